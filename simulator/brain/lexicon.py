"""Phrase lists behind the deterministic utterance analysis.

Kept apart from the matching code so a trainer can see, in one place, what
counts as a pitch, an acknowledgement or a question about budget. Each entry is
a regular-expression fragment matched case-insensitively at a word start
(``frustrat`` matches "frustrated" and "frustrating").
"""

from __future__ import annotations

import re

TOPIC_PHRASES: dict[str, tuple[str, ...]] = {
    "pain": (
        "problem", "challeng", "issue", "struggl", "pain", "frustrat", "headache", "difficult",
        "bottleneck", "keeps you up", "go(es)? wrong", "not working", "complain", "biggest",
        "hardest", "slow(s|ing)? (you|things) down", "what's broken",
    ),
    "budget": (
        "budget", "spend", "afford", "fund", "allocat", "money", "invest", "how much do you pay",
    ),
    "pricing": (
        "pric", "expensive", "cheap", "quote", "discount", "fee", "per seat", "licen[cs]",
        "how much (does|is|would|will) (it|this|that|your|the)", "cost of (the|your|this) "
        "(product|tool|platform|software|solution|service)",
    ),
    "timeline": (
        "timeline", "when", "deadline", "how soon", "quarter", "q[1-4]", "this year", "next year",
        "urgen", "date", "timing", "go[- ]live", "by the end of",
    ),
    "decision_process": (
        "decid", "decision", "approv", "sign[- ]off", "who else", "stakeholder", "process",
        "buying", "purchas", "committee", "board", "involved", "who would need", "final say",
    ),
    "decision_criteria": (
        "criteria", "important to you", "matter(s)? most", "evaluat", "priorit", "must[- ]have",
        "requirement", "looking for in", "what would a good", "what good looks like",
    ),
    "competitor": (
        "competitor", "alternative", "other vendor", "other tool", "other option", "looked at",
        "compar", "versus", "vs", "incumbent", "switch", "other solution", "tried",
    ),
    "current_solution": (
        "currently", "today", "right now", "at the moment", "existing",
        "how do you (handle|manage|do|track|run)", "what do you use", "using now", "in place",
        "how are you (handling|managing|doing|tracking)", "how does your team",
    ),
    "champion": (
        "who else", "champion", "sponsor", "internally", "on board", "ally", "your boss",
        "report to", "sell (it|this) (internally|upstairs)", "leadership",
    ),
    "metrics": (
        "how many", "how much", "how often", "percent", "number", "metric", "kpi", "measur",
        "track", "rate", "volume", "figure", "quantif", "cost(ing)? you",
    ),
    "goals": (
        "goal", "objective", "trying to achieve", "success", "target", "plan", "initiative",
        "focus", "vision", "where do you want",
    ),
    "team": (
        "team", "staff", "people", "headcount", "employee", "driver", "agent", "hire", "hiring",
    ),
    "implementation": (
        "implement", "roll ?out", "onboard", "migrat", "integrat", "set ?up", "deploy", "install",
        "switching cost", "transition",
    ),
    "security": (
        "secur", "complian", "soc ?2", "gdpr", "hipaa", "data protection", "privacy", "sso",
        "encrypt", "audit",
    ),
    "contract": (
        "contract", "terms", "legal", "agreement", "paperwork", "procurement", "signature", "msa",
        "redline",
    ),
    "renewal": ("renew", "contract end", "expir", "up for renewal"),
    "support": (
        "support", "service", "ticket", "outage", "downtime", "response time", "account manager",
        "sla", "escalat",
    ),
    "risk": ("risk", "worr", "concern", "afraid", "downside", "hesita", "what could go wrong"),
    "roi": (
        "roi", "return", "payback", "pay back", "saving", "save", "business case", "worth it",
        "value",
    ),
}

ACKNOWLEDGEMENT = (
    "i hear you", "i understand", "understood", "that makes sense", "makes sense", "fair enough",
    "that's fair", "that is fair", "fair point", "good point", "got it", "totally", "absolutely",
    "i get (it|that)", "i appreciate", "thanks for (sharing|telling|being)",
    "thank you for (sharing|telling|being)", "you're right", "you are right", "that's valid",
    "that's a valid", "i respect that", "completely understand", "point taken", "no problem",
    "i see",
)
EMPATHY = (
    "sounds (really )?(frustrating|hard|tough|painful|difficult|stressful|rough|exhausting)",
    "i can imagine", "i'm sorry", "i am sorry", "sorry to hear",
    "must be (really )?(hard|tough|frustrating|painful|difficult|stressful)", "that's rough",
    "that's tough", "i'd be frustrated", "i would be frustrated", "i'd feel the same",
    "that's not fun", "that's a lot", "in your shoes",
)
SUMMARY = (
    "so what i'?m hearing", "what i'?m hearing", "if i understand", "let me make sure i",
    "to recap", "so it sounds like", "it sounds like", "in other words", "to summari[sz]e",
    "what i heard", "if i heard you",
)
PITCH = (
    "our (platform|solution|product|software|tool|app|system|offering|technology)",
    "we (help|offer|provide|speciali[sz]e|enable|deliver|automate|integrate)",
    "we'?re the (leading|best|only|number one|#1)", "we are the (leading|best|only)",
    "features?", "functionality", "dashboard", "ai[- ]powered", "best[- ]in[- ]class",
    "industry[- ]leading", "cutting[- ]edge", "seamless", "leading provider", "award[- ]winning",
    "(it|this) (lets|allows|enables|helps) you", "all[- ]in[- ]one", "out of the box",
    "state[- ]of[- ]the[- ]art", "game[- ]changer", "revolutionary",
)
CLOSE_ATTEMPT = (
    "(book|schedule|set up|arrange|put|grab|find|get) (in )?(a |some |an? )?([a-z-]+ )?"
    "(time|meeting|call|demo|slot|session|follow[- ]?up)",
    "(does|would|how about|what about|are you free) (on )?"
    "(monday|tuesday|wednesday|thursday|friday|next week|tomorrow)",
    "can i send (you )?(a |the |over )?(contract|proposal|invite|agreement|order form|calendar)",
    "ready to (sign|move forward|get started|go ahead)", "let'?s get you started",
    "sign (the|an|our) (contract|agreement|order)", "start (a|the|your) (trial|pilot)",
    "next steps?", "move forward", "demo", "get (it|this) on the calendar",
    "send (you )?(an|a calendar) invite", "can we (meet|talk again|reconnect|follow up)",
)
INJECTION = (
    "ignore (all |your |the |any |previous |prior |earlier )*"
    "(instructions|prompts?|rules|directions)",
    "system prompt", "you are an ai", "you're an ai", "you are a bot", "you're a bot",
    "are you (an ai|a bot|a robot|chatgpt|a language model|real|human)", "language model",
    "pretend (you are|you're|to be)", "act as (a|the|my)", "role[- ]?play", "you are now",
    "forget (your|everything|all|the)", "developer mode", "jailbreak",
    "(repeat|reveal|print|show) (me )?(your|the) (instructions|prompt|rules)", "your instructions",
    "as an ai", "switch roles", "you are the (salesperson|seller|rep)",
    "you('re| are) (the )?(seller|salesperson|sales rep)",
)
GREETING = (r"^(hi|hello|hey|good (morning|afternoon|evening))\b", r"this is \w+ (from|with|at)")
PERMISSION_ASK = (
    "(do you have|have you got|got) (a |a few |two |2 |thirty |30 )?(minutes?|moment|sec|seconds)",
    "is (now|this) a (bad|good|ok|okay) time", "can i (have|take|borrow) (a |two |thirty |30 )",
    "mind if i", "caught you at a bad time", "did i catch you", "is it okay if i",
)
REASON_FOR_CALL = (
    "(the )?reason (i'?m|i am) calling", "i'?m calling (because|about|to|since)",
    "reason for my call", "reason i reached out", "i'?m reaching out (because|about)",
    "i noticed", "i saw that", "i read that",
)
SOCIAL_PROOF = (
    "(customers?|clients?|companies|teams) (like yours|similar|such as)", "case stud",
    "other (companies|teams|customers|cfos|hospitals|firms)", "we work with", "worked with",
    "peers", "reference (customer|call)", "companies in your (space|industry)",
)
ROI_WORDS = (
    "save", "saving", "payback", "pays? for itself", "return", "roi", "reduc", "cut", "lower",
)
NUMBER = (
    r"(\d|\b(one|two|three|four|five|ten|twenty|half|double)\b|percent|%)"
)
DISCOUNT = (
    "discount", r"% off", "percent off", "lower the price", "reduce the price",
    "special pricing", "waive",
)
PILOT = ("pilot", "trial", "proof of concept", "poc", "try it", "free month", "test it")
GOODBYE = (
    "goodbye", "bye", "talk soon", "have a (good|great|nice) (day|one|week|afternoon)",
    "i'?ll let you go", "i won'?t take (any )?more of your time",
)
OPEN_STARTS = (
    "what", "how", "why", "tell me", "walk me through", "talk me through", "describe",
    "help me understand", "explain", "in what way", "to what extent", "which", "where", "who",
    "when",
)
OPEN_INSIDE = (
    "tell me (more|about)", "walk me through", "talk me through", "describe", "help me understand",
    "explain", "give me an example", "what (is|are|was|were|would|does|do|did|'s)",
    "how (do|does|did|is|are|would|has|have|much|many|often|come)",
)
CLOSED_STARTS = (
    "do", "does", "did", "is", "are", "was", "were", "can", "could", "would", "will", "should",
    "have", "has", "shall", "may", "isn't", "aren't", "don't", "doesn't", "right",
)
PROBING = (
    "what impact", "what (is|was) the impact", "how does that (affect|impact)",
    "what happens (when|if)",
    "what does that mean for", "why is that", "tell me more", "what's behind", "how so",
    "what makes", "what would it mean", "how much is that costing", "what('s| is) the cost of",
    "give me an example", "what('s| is) driving", "what (led|leads) to", "how did that",
    "what did that", "what would (happen|change)", "why does that", "what's that costing",
    "and then what", "how long has",
)
LEAD_INS = (
    r"^(so|and|but|ok(ay)?|well|also|just|curious|quick question|one more thing|great|cool|"
    r"right|now)[,:]?\s+"
)

STOPWORDS = frozenset(
    (
        "the a an and or but so to of in on at for with from that this those these it its is are "
        "was were be been being have has had do does did you your yours we our ours i me my they "
        "them their he she his her what how why when who where which there here then than just "
        "really very about into over also like can could would should will shall may might must "
        "not no yes okay well right know think said says say tell more some any much many most"
    ).split()
)


def compile_any(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any phrase at a word start."""
    return re.compile(r"(?<![\w'])(?:" + "|".join(phrases) + ")", re.IGNORECASE)
