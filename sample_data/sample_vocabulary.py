"""Word lists and narrative templates for the synthetic sample reports.

Every name here is an invented combination. Place names are real towns so that
stations look plausible, but no station, business or person is described.
Narrative templates are format strings filled by
``synthetic_reports.compose_narrative``.
"""

from __future__ import annotations

from typing import Any

THEMES = (
    "information_for_reward",
    "personal_advantage",
    "sexual_boundaries",
    "partner_abuse",
    "discrimination",
)

# Force ids of the data.police.uk API (the 43 territorial forces of England and
# Wales plus Northern Ireland), then the national forces and "unknown".
TERRITORIAL_FORCE_IDS = (
    "avon-and-somerset",
    "bedfordshire",
    "cambridgeshire",
    "cheshire",
    "city-of-london",
    "cleveland",
    "cumbria",
    "derbyshire",
    "devon-and-cornwall",
    "dorset",
    "durham",
    "dyfed-powys",
    "essex",
    "gloucestershire",
    "greater-manchester",
    "gwent",
    "hampshire",
    "hertfordshire",
    "humberside",
    "kent",
    "lancashire",
    "leicestershire",
    "lincolnshire",
    "merseyside",
    "metropolitan",
    "norfolk",
    "north-wales",
    "north-yorkshire",
    "northamptonshire",
    "northumbria",
    "nottinghamshire",
    "south-wales",
    "south-yorkshire",
    "staffordshire",
    "suffolk",
    "surrey",
    "sussex",
    "thames-valley",
    "warwickshire",
    "west-mercia",
    "west-midlands",
    "west-yorkshire",
    "wiltshire",
    "northern-ireland",
)
NATIONAL_FORCE_IDS = ("police-scotland", "btp", "mod-police", "cnc")
FORCE_IDS = (*TERRITORIAL_FORCE_IDS, *NATIONAL_FORCE_IDS, "unknown")

# Towns used as station names, two or three per force.
STATIONS = {
    "avon-and-somerset": ("Yeovil", "Weston-super-Mare", "Taunton"),
    "bedfordshire": ("Luton", "Bedford", "Dunstable"),
    "cambridgeshire": ("Peterborough", "Huntingdon", "Ely"),
    "cheshire": ("Crewe", "Warrington", "Macclesfield"),
    "city-of-london": ("Bishopsgate", "Snow Hill"),
    "cleveland": ("Middlesbrough", "Hartlepool", "Redcar"),
    "cumbria": ("Carlisle", "Kendal", "Workington"),
    "derbyshire": ("Chesterfield", "Buxton", "Ilkeston"),
    "devon-and-cornwall": ("Exeter", "Truro", "Barnstaple"),
    "dorset": ("Weymouth", "Bournemouth", "Dorchester"),
    "durham": ("Darlington", "Peterlee", "Consett"),
    "dyfed-powys": ("Aberystwyth", "Carmarthen", "Llandrindod Wells"),
    "essex": ("Chelmsford", "Basildon", "Colchester"),
    "gloucestershire": ("Cheltenham", "Stroud", "Cirencester"),
    "greater-manchester": ("Bolton", "Stockport", "Wigan"),
    "gwent": ("Newport", "Abergavenny", "Ebbw Vale"),
    "hampshire": ("Basingstoke", "Winchester", "Andover"),
    "hertfordshire": ("Stevenage", "Watford", "Hemel Hempstead"),
    "humberside": ("Grimsby", "Scunthorpe", "Bridlington"),
    "kent": ("Maidstone", "Margate", "Folkestone"),
    "lancashire": ("Preston", "Blackburn", "Lancaster"),
    "leicestershire": ("Loughborough", "Hinckley", "Melton Mowbray"),
    "lincolnshire": ("Boston", "Grantham", "Skegness"),
    "merseyside": ("Birkenhead", "St Helens", "Southport"),
    "metropolitan": ("Croydon", "Lewisham", "Wembley"),
    "norfolk": ("Norwich", "King's Lynn", "Great Yarmouth"),
    "north-wales": ("Wrexham", "Bangor", "Rhyl"),
    "north-yorkshire": ("Harrogate", "Scarborough", "Northallerton"),
    "northamptonshire": ("Kettering", "Corby", "Wellingborough"),
    "northumbria": ("Gateshead", "Sunderland", "Hexham"),
    "nottinghamshire": ("Mansfield", "Newark", "Worksop"),
    "south-wales": ("Bridgend", "Merthyr Tydfil", "Neath"),
    "south-yorkshire": ("Doncaster", "Rotherham", "Barnsley"),
    "staffordshire": ("Stafford", "Burton upon Trent", "Tamworth"),
    "suffolk": ("Ipswich", "Lowestoft", "Bury St Edmunds"),
    "surrey": ("Guildford", "Woking", "Reigate"),
    "sussex": ("Crawley", "Hastings", "Worthing"),
    "thames-valley": ("Banbury", "High Wycombe", "Newbury"),
    "warwickshire": ("Nuneaton", "Rugby", "Leamington Spa"),
    "west-mercia": ("Hereford", "Worcester", "Shrewsbury", "Telford", "Redditch"),
    "west-midlands": ("Dudley", "Walsall", "Wolverhampton"),
    "west-yorkshire": ("Halifax", "Huddersfield", "Wakefield"),
    "wiltshire": ("Swindon", "Salisbury", "Chippenham"),
    "northern-ireland": ("Newry", "Coleraine", "Omagh"),
    "police-scotland": ("Dumfries", "Perth", "Inverness"),
    "btp": ("Birmingham New Street", "Crewe station", "Cardiff Central"),
    "mod-police": ("Donnington", "Lyneham", "Sennybridge"),
    "cnc": ("Sellafield", "Hinkley Point", "Dounreay"),
}

# Names by culture. Given and family names are combined at random, so no
# combination is meant to be a real person. Vietnamese names are written
# family name first, as "family middle given".
NAME_CULTURES: dict[str, dict[str, Any]] = {
    "english": {
        "weight": 50,
        "male": ("Craig", "Darren", "Adrian", "Callum", "Stuart", "Jason", "Neil"),
        "female": ("Joanne", "Leanne", "Kirsty", "Gemma", "Nicola", "Rachel"),
        "family": (
            "Ashworth",
            "Brindley",
            "Cartwright",
            "Dunmore",
            "Fenwick",
            "Hollinshead",
            "Kettleby",
            "Marlowe",
            "Pennington",
            "Rushbrook",
            "Stanway",
            "Whitlock",
            "Yardley",
        ),
    },
    "welsh": {
        "weight": 10,
        "male": ("Dafydd", "Rhodri", "Iolo", "Llŷr", "Gethin", "Emyr"),
        "female": ("Siân", "Eluned", "Gwenllïan", "Ffion", "Catrin", "Nia"),
        "family": ("Llewelyn-Prosser", "Tudur", "Rhydderch", "Gruffudd", "Meurig"),
        "male_family": ("ap Meurig", "ap Hywel", "ap Rhydderch"),
        "female_family": ("ferch Gruffudd", "ferch Hywel"),
    },
    "irish": {
        "weight": 8,
        "male": ("Pádraig", "Eoghan", "Cathal", "Donnchadh"),
        "female": ("Caoimhe", "Róisín", "Niamh", "Aoife"),
        "male_family": ("Ó Catháin", "Ó Flannagáin", "Mac Giolla Bhríde"),
        "female_family": ("Ní Bhriain", "Ní Fhlannagáin", "Ní Chatháin"),
    },
    "polish": {
        "weight": 8,
        "male": ("Łukasz", "Paweł", "Wojciech", "Michał", "Grzegorz"),
        "female": ("Małgorzata", "Zofia", "Agnieszka", "Łucja", "Jadwiga"),
        "male_family": ("Żmijewski", "Wiśniewski", "Dąbrowski", "Śliwiński"),
        "female_family": ("Żmijewska", "Wiśniewska", "Dąbrowska", "Śliwińska"),
        "family": ("Błaszczyk", "Kołodziej"),
    },
    "urdu": {
        "weight": 10,
        "male": ("Imran", "Bilal", "Tariq", "Usman", "Kashif"),
        "female": ("Ayesha", "Farah", "Sadia", "Nazia", "Mehwish"),
        "family": ("Qureshi", "Chaudhry", "Rafiq", "Shafiq", "Akhtar", "Mirza"),
    },
    "vietnamese": {
        "weight": 6,
        "family": ("Nguyễn", "Trần", "Phạm", "Lê", "Võ", "Đặng"),
        "male_middle": ("Văn", "Minh", "Đức"),
        "female_middle": ("Thị", "Thu", "Ngọc"),
        "male": ("Khoa", "Hùng", "Quang", "Tuấn"),
        "female": ("Hương", "Lan", "Nhung", "Thảo"),
    },
    "nigerian": {
        "weight": 8,
        "male": ("Babatunde", "Chidi", "Olumide", "Emeka"),
        "female": ("Kemi", "Adaeze", "Folake", "Ngozi"),
        "family": ("Adeyemi", "Okonkwo", "Balogun", "Eze", "Olatunji"),
    },
}

# Reporter names written in Urdu script, used now and then for a contact name.
URDU_SCRIPT_NAMES = ("نازیہ شفیق", "عمران رفیق", "سعدیہ اختر")

# Letters that Unicode decomposition does not reduce to ASCII, for e-mail
# addresses made from names.
ASCII_FOLDING = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o"})

OFFICER_RANKS = (
    ("Constable", "PC", 40),
    ("Detective Constable", "DC", 12),
    ("Sergeant", "Sgt", 16),
    ("Detective Sergeant", "DS", 8),
    ("Inspector", "Insp", 6),
    ("Detective Inspector", "DI", 4),
    ("Chief Inspector", "Ch Insp", 2),
    ("Superintendent", "Supt", 1),
)
VOLUNTEER_RANKS = (("Special Constable", "SC"), ("Special Sergeant", "SSgt"))

STAFF_JOBS = (
    "works in the force control room",
    "is a PCSO on a neighbourhood team",
    "is a detention officer in custody",
    "works in the vetting unit",
    "is a call handler",
    "works in the property store",
    "is a civilian investigator",
)
VOLUNTEER_JOBS = (
    "is a special constable on a rural team",
    "volunteers as a police support volunteer at the front counter",
    "is a special constable who also works for a security firm",
)
APPEARANCES = {
    "male": (
        "white man in his forties, short grey hair",
        "man in his thirties, shaved head, tattoo on the left forearm",
        "tall man in his late twenties with a beard",
        "Asian man in his fifties, glasses",
        "Black man in his thirties, athletic build",
    ),
    "female": (
        "woman in her thirties with long dark hair",
        "white woman in her fifties, short blonde hair",
        "woman in her twenties, slim build, wears glasses",
        "Asian woman in her forties",
    ),
}
VEHICLES = (
    "drives a dark blue estate car",
    "drives a silver hatchback",
    "has a black pick-up truck",
    "rides a red motorbike off duty",
)
UNKNOWN_SUBJECT_DESCRIPTIONS = (
    "man in his thirties who told people he 'works for the police'",
    "woman who said she was a detective but gave no name",
    "someone who signs messages as 'your friend in the job'",
    "man seen in police uniform at the address, name not known",
)

PERIODS = (
    "since about last spring",
    "over the last six months",
    "for at least two years",
    "several times since the summer",
    "on at least three occasions this year",
    "since the start of the year",
)
AMOUNTS = ("£50", "£100", "£200", "£250", "£500", "£1,000")
ASSOCIATES = (
    "a local car dealer",
    "a man known to be involved in drug supply",
    "a private investigator",
    "a relative who runs a debt collection business",
    "a door supervisor at a nightclub",
    "members of an organised crime group",
)
BENEFITS = (
    "free building work on their house",
    "cash and gifts",
    "a car at well below its value",
    "free holidays",
    "cheap cannabis",
)
PLATFORMS = (
    "WhatsApp",
    "Snapchat",
    "Instagram",
    "Facebook Messenger",
    "a dating app",
)
BUSINESSES = (
    "a takeaway near the station",
    "a garage on the ring road",
    "a gym in the town centre",
    "a pub on the high street",
)
SIDE_BUSINESSES = (
    "driving instruction business",
    "security company",
    "car valeting business",
    "personal training business",
)
SEIZED_ITEMS = (
    "a mountain bike",
    "power tools",
    "a designer handbag",
    "cash from a drugs search",
)
LOOKUP_TARGETS = (
    "a woman who had recently separated from his friend",
    "a witness in a court case",
    "a new neighbour",
    "someone who owed the associate money",
)

# First sentences of a narrative, by channel.
OPENINGS = {
    "online": (
        "The reporter used the online form, and the reporting line shortened it.",
        "The reporter wrote this account on the online form.",
        "The following is a sanitised summary of an online report.",
    ),
    "phone": (
        "The reporter called the reporting line.",
        "Summary of a phone call to the reporting line.",
        "The reporter phoned the line and was nervous throughout the call.",
    ),
}
# Second sentences: how the reporter learned of the matter.
SOURCES = (
    "The reporter knows {subject_short} socially and has seen this first-hand.",
    "The reporter works near {subject_short} and asked that their role stays out.",
    "The reporter heard this from someone close to {subject_short}.",
    "The reporter dealt with {subject_short} after calling the police.",
    "The reporter is related to someone affected.",
)

# One template per sentence group; {subject} starts a sentence and is the
# first mention, {subject_short} is a later mention.
THEME_TEMPLATES = {
    "information_for_reward": (
        "{subject} is said to pass details from police systems to {associate} in "
        "return for cash, usually around {amount} a time. The reporter says "
        "{subject_short} checked a vehicle registration and an address for them "
        "{period}.",
        "{subject} is believed to tell {associate} when warrants are planned around "
        "{place}, so that premises are cleared before officers arrive. In return "
        "{subject_short} has been given {benefit}.",
        "{subject} is reported to have looked up {target} on police systems at the "
        "request of {associate}, who paid {amount} for the information. The "
        "reporter saw messages about it on {platform}.",
        "{subject} is said to warn {associate} about intelligence on local drug "
        "supply in exchange for {benefit}.",
    ),
    "personal_advantage": (
        "{subject} is said to use their warrant card to get discounts and free "
        "goods at {business} in {place}.",
        "{subject} is reported to run a private {side_business} during duty hours "
        "and to use a police vehicle to visit customers.",
        "{subject} is believed to have had a fixed penalty against a relative "
        "cancelled {period}.",
        "{subject} is said to have taken property seized in {place} home instead "
        "of booking it in, including {item}.",
    ),
    "sexual_boundaries": (
        "{subject} is reported to have contacted a woman they met while attending "
        "a domestic incident, first on {platform} and then by phone, asking to "
        "meet outside work.",
        "{subject} is said to have offered to make a problem go away for a young "
        "man stopped in {place} if he agreed to meet privately.",
        "{subject} is reported to be in an intimate relationship with a witness in "
        "a case they are investigating, and to have kept this from supervisors.",
        "{subject} is said to send sexual messages on {platform} to a woman whose "
        "number came from a crime report. She is frightened to complain.",
    ),
    "partner_abuse": (
        "{subject}'s partner is said to be controlled day to day: {subject_short} "
        "checks the partner's phone, limits their money and has threatened to use "
        "police contacts to take the children.",
        "{subject} is reported to have assaulted their partner at home in {place} "
        "{period}. The partner did not call the police because {subject_short} "
        "told them nobody would believe them over an officer.",
        "{subject} is said to track an ex-partner's car and has turned up outside "
        "their workplace. The reporter believes {subject_short} has looked the "
        "ex-partner up on police systems.",
        "{subject} is reported to have put their hands round their partner's neck "
        "during an argument. Neighbours heard shouting.",
    ),
    "discrimination": (
        "{subject} is reported to post racist memes in a private {platform} group "
        "that includes other officers.",
        "{subject} is said to use slurs about disabled people in custody and to "
        "have mocked a detainee who uses a wheelchair.",
        "{subject} is reported to make homophobic comments about members of the "
        "public in {place} and to have refused to take a hate crime report "
        "seriously.",
        "{subject} is said to make misogynistic remarks about women colleagues and "
        "to rank them by appearance in a shared chat on {platform}.",
    ),
}
DETAILS = (
    "The reporter has screenshots but did not want to upload them yet.",
    "The reporter believes at least one other officer knows and has done nothing.",
    "This has been going on {period}.",
    "The reporter is worried that {subject_short} will find out who made the report.",
    "[Details that could identify the reporter have been removed by the "
    "reporting line.]",
    "The reporter could not give a collar number but described {subject_short} "
    "(see the subject details).",
    "The reporter says {subject_short} boasted about it on {platform}.",
)
CLOSINGS = (
    "The reporter wants the matter looked into but does not want to give evidence.",
    "The reporter is willing to answer more questions through the reporting line.",
    "The reporter asked that supervisors at {station} are not told who reported it.",
    "The reporter said they had “nowhere else to go” with this.",
    "",
)
FOLLOW_UP_OPENINGS = (
    "Reply to questions passed back through the reporting line about {original}.",
    "The reporter replied to the questions about {original}.",
    "Further information from the reporter of {original}, in answer to the "
    "force's questions.",
)
FOLLOW_UP_ANSWERS = (
    "The reporter now thinks it started in {month}, earlier than first said.",
    "The reporter confirmed that {subject_short} {vehicle}.",
    "The reporter has not seen {subject_short} since the first report but is "
    "still worried.",
    "Asked whether anyone else saw it, the reporter named no one but said a "
    "colleague of {subject_short} was present.",
    "The reporter kept the messages and could provide them if their identity "
    "is protected.",
    "The reporter says the behaviour has got worse since the first report.",
)
MONTHS = ("January", "March", "May", "July", "September", "November")

PERSONS_AT_RISK = {
    "partner_abuse": (
        ("The subject's partner or former partner", "partner of the subject"),
        ("Two children under ten living at the address", "children of the household"),
    ),
    "sexual_boundaries": (
        ("A woman who was the victim in a case the subject dealt with", "victim"),
        ("A young man stopped by the subject", "member of the public"),
        ("A witness in a case the subject is investigating", "witness"),
    ),
    "information_for_reward": (
        ("The person whose address was looked up", "person searched on systems"),
    ),
    "personal_advantage": (),
    "discrimination": (
        ("A detainee who was mocked in custody", "detainee"),
        ("The reporter, who fears reprisals at work", "reporter"),
    ),
}

SAFE_TO_CONTACT_TIMES = (
    "Weekdays 10:00-14:00 only",
    "After 19:00, never at weekends",
    "Mornings before 08:30",
    "Any time",
    None,
)
PHONE_NOTES = (
    "Do not leave voicemail: the phone is shared.",
    "Withhold the caller's number when phoning.",
)
EMAIL_NOTES = ("Do not mention the police in the e-mail subject line.",)
CONTACT_NOTES = (
    "Reporter prefers a female contact.",
    "Reporter asked to be told if the subject is moved.",
    "Reporter's first language is not English; an interpreter may help.",
    None,
    None,
)
LOCATIONS = (
    "{place} town centre",
    "a residential street in {place}",
    "{place} police station",
    "a car park in {place}",
    "online",
    "a private address in {place} (held by the reporting line)",
)
