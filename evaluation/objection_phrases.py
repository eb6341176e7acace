"""Phrase tables for objections: how buyers voice them and what a good reply contains.

Kept apart from the scoring logic so trainers can read (and extend) the
vocabulary in one place. Categories follow the buyer-brain event contract.
"""

from __future__ import annotations

import re

from evaluation.language import phrases

OBJECTION_CATEGORIES = ("price", "competitor", "authority", "timing", "trust", "need",
                        "status_quo", "other")

RAISED: dict[str, re.Pattern[str]] = {
    "price": phrases(
        r"too (?:expensive|pricey|much|steep|high)",
        r"(?:is|seems|sounds|that's|it's|looks) (?:a bit |way |really |pretty |quite |very )?"
        r"(?:expensive|pricey|steep|a lot of money)",
        r"more than we (?:budgeted|can|want to|pay|spend)", r"can't afford", r"cannot afford",
        r"out of (?:our|my) (?:budget|price range)", r"(?:don't|do not) have (?:the |a )?budget",
        r"over (?:our |the )?budget", r"no budget", r"budget is (?:tight|gone|frozen)",
        r"hard to justify (?:the|that|this) (?:cost|price|spend)", r"costs? too much",
        r"price is (?:too|a|an|really|way)", r"cheaper"),
    "competitor": phrases(
        r"(?:talking|speaking) (?:to|with) (?:another|other|a few|a couple)", r"other vendors?",
        r"competitors?", r"(?:also |already )?looking at (?:\w+ )?(?:others|another|other)",
        r"offers? (?:us )?(?:the same|something similar|a lower)", r"evaluating (?:others|other)",
        r"went with (?:someone|another)", r"quoted us"),
    "authority": phrases(
        r"not my (?:decision|call)", r"(?:need|have) to (?:run|check) (?:it|this|that) (?:by|with)",
        r"my (?:boss|manager|vp|cfo|director|ceo) (?:would|will|needs|has|decides|signs)",
        r"(?:committee|board) (?:decides|has to|needs to|would)", r"i can't (?:sign|approve)",
        r"above my pay ?grade", r"sign-?off from", r"someone else (?:decides|signs|approves)",
        r"(?:isn't|is not) up to me"),
    "timing": phrases(
        r"(?:not|isn't|is not) (?:a good|the right) time", r"bad time", r"too busy",
        r"(?:maybe|wait(?:ing)? (?:until|till)|revisit|circle back|come back to (?:this|it)|"
        r"look at (?:this|it)|talk again|reconnect|better) (?:\w+ ){0,4}(?:next|in) (?:quarter|"
        r"year|month|a few months)", r"next (?:quarter|year) (?:would be|is|might be) better",
        r"not (?:until|before) next",
        r"not right now", r"not (?:a|the) priority (?:right now|this quarter|this year)",
        r"revisit (?:this|it|that) (?:later|next|in)", r"circle back (?:in|next|later)",
        r"maybe later", r"in a few months", r"timing (?:isn't|is not|is) (?:great|right|bad|off)",
        r"after (?:the|our) (?:launch|migration|busy season|reorg)"),
    "trust": phrases(
        r"not sure (?:i|we) (?:believe|buy)", r"skeptic\w*", r"sounds too good",
        r"heard (?:bad|mixed) things", r"prove it", r"how do (?:i|we) know", r"burned before",
        r"(?:been|got) burned", r"don't trust", r"hard to believe", r"every vendor (?:says|claims)",
        r"not convinced"),
    "need": phrases(
        r"don't (?:really )?(?:need|see the need)", r"not (?:really )?(?:a|an) (?:problem|issue) "
        r"for us", r"no need for", r"not sure (?:we|i) (?:need|see)", r"we don't have that problem",
        r"not relevant"),
    "status_quo": phrases(
        r"we're (?:fine|happy|good|okay) with", r"happy with (?:what|our|the|how)",
        r"works (?:well enough|fine|okay) (?:for us)?",
        r"already (?:have|use|got) (?:a |an )?(?:solution|tool|vendor|system|provider|something)"
        r" (?:for|that)",
        r"don't see (?:the|a|any) (?:need|reason) to change", r"not broken",
        r"(?:we've|we have) always done", r"if it ain't broke"),
}

ACKNOWLEDGE = phrases(
    r"i (?:completely |totally |fully )?understand", r"understandable",
    r"(?:that |it )?makes sense",
    r"fair (?:point|enough|question|concern)", r"i hear you", r"(?:totally|i) get (?:it|that)",
    r"appreciate (?:you|that|the|your)", r"(?:good|great) (?:question|point)",
    r"valid (?:point|concern)", r"you're right", r"i can see why", r"thanks for (?:raising|sharing"
    r"|being|telling|flagging)", r"that's a (?:fair|real|reasonable|common|legitimate|big) "
    r"(?:concern|point|question|worry)", r"i'd (?:feel|be) the same",
    r"glad you (?:raised|brought)",
    r"that's (?:important|understandable|fair)", r"(?:others|customers|clients) (?:have )?felt",
    r"no doubt", r"i see where you're coming from")

EXPLORE = phrases(
    r"what (?:makes|made) you", r"what's (?:behind|driving|prompting)", r"tell me more",
    r"help me understand", r"when you say", r"what (?:specifically|exactly)",
    r"compar\w+ (?:it |that |this |the cost )?(?:to|against|with)",
    r"what would (?:need to|have to|it "
    r"take|make)", r"what (?:are|were) you expecting", r"how did you (?:arrive|come)",
    r"what's your (?:concern|worry|hesitation)", r"can i ask (?:what|why|how)",
    r"out of curiosity", r"what happened", r"what do you think (?:he|she|they|you)",
    r"is that a", r"what (?:would|do) you need", r"how (?:are|were) you (?:thinking|planning)",
    r"where does that (?:come|leave)")

CONFIRM = phrases(
    r"does (?:that|this) (?:address|help|answer|make sense|work|resolve|change|ease)",
    r"how does (?:that|this) sound", r"would (?:that|this)(?: \w+){0,4} (?:work|help|address|make)",
    r"is that fair", r"address(?:es)? your concern", r"feel better about", r"did i answer",
    r"have i (?:addressed|answered)", r"are you (?:comfortable|okay) with", r"does that land",
    r"(?:any|still) (?:concerns?|reservations?) (?:about|on|left)", r"does that alleviate",
    r"how do you feel about (?:that|this)")

CAVE = phrases(
    r"discount\w*", r"\d+\s?(?:%|percent) off", r"knock (?:\w+ ){0,3}off", r"(?:lower|cut|reduce|"
    r"drop|bring down) (?:the|our|my) (?:price|cost|rate)", r"bring the price down",
    r"match (?:their|that|the) price", r"throw in", r"free (?:month|months|year|upgrade|seats)",
    r"waive", r"special (?:price|pricing|deal|rate)", r"can do it for", r"price cut",
    r"(?:cheaper|lower) (?:tier|plan|price) for you")

DEFENSIVE = phrases(
    r"that's (?:not|simply not) (?:true|right|correct|fair)", r"you're wrong",
    r"with all due respect", r"i disagree", r"no, no", r"you don't understand",
    r"you're missing", r"that's ridiculous", r"honestly, that's not", r"we're (?:clearly|simply) "
    r"the best", r"nobody else can", r"you'd be crazy")

RESOLVED = phrases(
    r"(?:that|this) (?:makes sense|helps|is helpful|works|would work|would help|sounds (?:good|"
    r"fair|reasonable|great))", r"fair enough", r"i can see (?:that|how|the)", r"good point",
    r"i like (?:that|the sound)", r"let's do (?:it|that)", r"happy to", r"i'm open to",
    r"i feel better", r"okay, (?:that's|i can)", r"that changes things", r"i could (?:sell|see)",
    r"that addresses", r"you've convinced", r"worth (?:a|trying|a look|exploring)")

RESPONSE_TOPIC: dict[str, re.Pattern[str]] = {
    "price": phrases(r"value", r"roi", r"return", r"payback", r"pays? for itself", r"sav\w+",
                     r"cost of (?:doing nothing|the problem|waiting|those|that|the errors)",
                     r"worth", r"invest\w*", r"per (?:month|user|seat|rep|year)", r"\$\s?\d",
                     r"\d+ (?:hours|days|weeks|percent|%)", r"budget", r"business case",
                     r"compared to"),
    "competitor": phrases(r"unlike", r"differen\w*", r"compar\w*", r"versus", r"vs\.?",
                          r"what (?:do|did) you like about", r"switch\w*", r"only (?:we|one)",
                          r"apples to apples"),
    "authority": phrases(r"who else", r"involv\w*", r"bring (?:in|along|them)", r"introduc\w*",
                         r"meeting with", r"your (?:boss|manager|cfo|vp|director|ceo)",
                         r"make the case", r"business case", r"one-pager", r"help you "
                         r"(?:present|pitch|sell|make)", r"loop (?:in|them)"),
    "timing": phrases(r"cost of waiting", r"waiting", r"pilot", r"phase\w*", r"start small",
                      r"ready (?:by|for)", r"timeline", r"deadline", r"when would", r"lighter",
                      r"before (?:the|your)", r"delay\w*"),
    "trust": phrases(r"case stud\w*", r"references?", r"customers? like", r"proof", r"pilot",
                     r"trial", r"guarantee\w*", r"security", r"soc ?2", r"certif\w*",
                     r"talk to (?:one of )?our", r"results", r"show you"),
    "need": phrases(r"you mentioned", r"you said", r"earlier you", r"you told me"),
    "status_quo": phrases(r"what(?:'s| has) changed", r"risk\w*", r"cost of (?:staying|doing)",
                          r"if nothing changes", r"grow\w*", r"scal\w*", r"how long (?:will|can)",
                          r"works today", r"compared"),
    "other": phrases(r"you mentioned", r"you said"),
}
TIE_BACK = phrases(r"you mentioned", r"you said", r"earlier you", r"you told me")
