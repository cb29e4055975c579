"""The Joint Councils deck of 27 February 2020 (seeds/cogwg-joint-councils-2020-02-27.txt),
transcribed: the COGWG 2020 work plan, the jurisdictions, their accomplishments and
challenges, the meeting, its next steps and the about page's texts.

Every text is an ``(English, French)`` pair; a list of pairs is a field kept one item per
line. The English follows the deck word for word (its spelling included, e.g.
"publically", "Gccollab"); the French is a translation in Government of Canada terminology
and Translation Bureau typography: no space before ";", "?" and "!", a non-breaking space
(U+00A0) before ":" and inside « », and the French acronyms wherever the English has its
own (COGWG: GTGO, OG: GO, NWT: T.N.-O.). A key that is absent means the deck says nothing:
the loader then leaves that field alone.
"""

# The deck's typography (en dashes, curly apostrophes) is transcribed as it is.
# ruff: noqa: RUF001, RUF003

import datetime

from cogwg.choices import MeetingKind
from jurisdictions.choices import AccomplishmentCategory, ChallengeCategory, JurisdictionKind
from workplan.choices import MilestoneKind, SeatRole

MEETING_DATE = datetime.date(2020, 2, 27)

MEETING = {
    "kind": MeetingKind.JOINT_COUNCILS,
    "date": MEETING_DATE,
    "title": ("Joint Councils – February 27, 2020", "Conseils mixtes – 27 février 2020"),
    "purpose": [
        (
            "Update on key accomplishments of the Canada Open Government Working Group (COGWG) work plan "
            "priorities and ongoing progress.",
            "Faire le point sur les principales réalisations liées aux priorités du plan de travail du Groupe de "
            "travail sur le gouvernement ouvert du Canada (GTGO) et sur les progrès en cours.",
        ),
        (
            "Report on other notable jurisdictional accomplishments and ongoing challenges.",
            "Rendre compte d'autres réalisations notables des administrations et des défis qui persistent.",
        ),
        (
            "Outline a few immediate next steps.",
            "Présenter quelques prochaines étapes immédiates.",
        ),
        (
            "Outline of the key elements of the COGWG 2020 Workplan.",
            "Présentation des éléments clés du plan de travail 2020 du GTGO.",
        ),
    ],
}

# Federal, then the provinces from west to east, then the territories. Short names are
# the deck's own abbreviations (BC, NS, NWT); the websites are the governments' home pages.
JURISDICTIONS = [
    {
        "code": "CA",
        "name": ("Government of Canada", "Gouvernement du Canada"),
        "kind": JurisdictionKind.FEDERAL,
        "website": "https://www.canada.ca/",
    },
    {
        "code": "BC",
        "name": ("British Columbia", "Colombie-Britannique"),
        "short_name": ("BC", "C.-B."),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www2.gov.bc.ca/",
    },
    {
        "code": "AB",
        "name": ("Alberta", "Alberta"),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www.alberta.ca/",
    },
    {
        "code": "SK",
        "name": ("Saskatchewan", "Saskatchewan"),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www.saskatchewan.ca/",
    },
    {
        "code": "MB",
        "name": ("Manitoba", "Manitoba"),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www.gov.mb.ca/",
    },
    {
        "code": "ON",
        "name": ("Ontario", "Ontario"),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www.ontario.ca/",
    },
    {
        "code": "QC",
        "name": ("Quebec", "Québec"),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www.quebec.ca/",
    },
    {
        "code": "NB",
        "name": ("New Brunswick", "Nouveau-Brunswick"),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www2.gnb.ca/",
    },
    {
        "code": "NS",
        "name": ("Nova Scotia", "Nouvelle-Écosse"),
        "short_name": ("NS", "N.-É."),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://novascotia.ca/",
    },
    {
        "code": "PE",
        "name": ("Prince Edward Island", "Île-du-Prince-Édouard"),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www.princeedwardisland.ca/",
    },
    {
        "code": "NL",
        "name": ("Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
        "kind": JurisdictionKind.PROVINCIAL,
        "website": "https://www.gov.nl.ca/",
    },
    {
        "code": "YT",
        "name": ("Yukon", "Yukon"),
        "kind": JurisdictionKind.TERRITORIAL,
        "website": "https://yukon.ca/",
        "open_data_url": "https://open.yukon.ca/data/",
    },
    {
        "code": "NT",
        "name": ("Northwest Territories", "Territoires du Nord-Ouest"),
        "short_name": ("NWT", "T.N.-O."),
        "kind": JurisdictionKind.TERRITORIAL,
        "website": "https://www.gov.nt.ca/",
        "open_government_url": "https://www.eia.gov.nt.ca/en/priorities/open-government",
    },
    {
        "code": "NU",
        "name": ("Nunavut", "Nunavut"),
        "kind": JurisdictionKind.TERRITORIAL,
        "website": "https://www.gov.nu.ca/",
    },
]

WORK_PLAN = {
    "slug": "2020",
    "title": (
        "COGWG 2020 Work Plan",
        "Plan de travail 2020 du GTGO",
    ),
    "start_date": datetime.date(2020, 1, 1),
    "end_date": datetime.date(2020, 12, 31),
    # The deck's own sentence ends the summary, its "Gccollab" included (the platform's name is
    # GCcollab, as the French, a translation, spells it).
    "summary": (
        "The Canada Open Government Working Group's work plan for 2020, as outlined to the Joint Councils on "
        "February 27, 2020: five priorities, each with the issue it addresses, its expected outcome, its leads "
        "and partners, and its activities from March to December 2020. More detailed information on COGWG 2020 "
        "Work Plan is available in Gccollab.",
        "Le plan de travail 2020 du Groupe de travail sur le gouvernement ouvert du Canada, tel que présenté aux "
        "Conseils mixtes le 27 février 2020\u00a0: cinq priorités, chacune avec l'enjeu visé, le résultat attendu, "
        "ses responsables et partenaires, et ses activités de mars à décembre 2020. Des renseignements plus "
        "détaillés sur le plan de travail 2020 du GTGO sont accessibles dans GCcollab.",
    ),
    "source_url": "https://gccollab.ca/file/group/304959/all",
}

TBS = ("Treasury Board of Canada Secretariat", "Secrétariat du Conseil du Trésor du Canada")

# "TBS and TBD": a confirmed federal lead (TBS) and a lead seat still to be determined.
TBS_AND_TBD = [
    {"role": SeatRole.LEAD, "jurisdiction": "CA", "organization": TBS, "confirmed": True},
    {"role": SeatRole.LEAD, "jurisdiction": None, "confirmed": True},
]

SAME_IMPACT = (
    "The social and economic impact of open data is not maximized",
    "Les retombées sociales et économiques des données ouvertes ne sont pas maximisées",
)

# Activities carry the month the deck gives; the loader makes them due at the month's end.
PRIORITIES = [
    {
        "number": 1,
        "slug": "open-data-user-stories",
        "slug_fr": "recits-utilisateurs-donnees-ouvertes",
        "title": ("Open Data User Stories", "Récits d'utilisateurs de données ouvertes"),
        "issue": (
            "Canadians don’t know what can be done with open data",
            "Les Canadiens ne savent pas ce qu'il est possible de faire avec les données ouvertes",
        ),
        "consequences": [SAME_IMPACT],
        "outcome": ("Inventories of stories are created", "Des inventaires de récits sont créés"),
        "results": [
            (
                "Governments can showcase their efforts and impacts",
                "Les gouvernements peuvent mettre en valeur leurs efforts et leurs retombées",
            ),
            (
                "Canadians are inspired by these stories and use open data",
                "Les Canadiens sont inspirés par ces récits et utilisent les données ouvertes",
            ),
        ],
        "seats": TBS_AND_TBD,
        "milestones": [
            {
                "month": 3,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "initial inventory of user story established.",
                    "inventaire initial des récits d'utilisateurs établi.",
                ),
            },
            {
                "month": 6,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "release of minimum 1 user story on the open government portal.",
                    "publication d'au moins 1 récit d'utilisateur sur le portail du gouvernement ouvert.",
                ),
            },
            {
                "month": 9,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "second round of releases based on lessons learned from first release.",
                    "deuxième série de publications fondée sur les leçons tirées de la première publication.",
                ),
            },
            {
                "month": 12,
                "kind": MilestoneKind.ONGOING,
                "description": (
                    "Systematic ongoing collection of user stories for the inventory and for release.",
                    "Collecte systématique et continue de récits d'utilisateurs pour l'inventaire et pour publication.",
                ),
            },
        ],
    },
    {
        "number": 2,
        "slug": "ckan-common-extensions",
        "slug_fr": "extensions-communes-ckan",
        "title": (
            "Support and enhancement of Digital common extensions (CKAN) for open governments portals",
            "Soutien et amélioration des extensions numériques communes (CKAN) des portails de gouvernement ouvert",
        ),
        "issue": ("Jurisdictions working in isolation", "Les administrations travaillent en vase clos"),
        "consequences": [
            ("Duplication of work across Canada", "Dédoublement du travail partout au Canada"),
            ("Slower pace of advancement", "Rythme de progression plus lent"),
        ],
        "outcome": (
            "Ongoing collaborative support and enhancement of CKAN",
            "Soutien et amélioration continus et concertés de CKAN",
        ),
        "results": [
            (
                "Common extensions used across jurisdictions",
                "Des extensions communes sont utilisées dans l'ensemble des administrations",
            ),
            (
                "Better awareness of new resources, faster development",
                "Meilleure connaissance des nouvelles ressources, développement plus rapide",
            ),
        ],
        "seats": TBS_AND_TBD,
        "milestones": [
            {
                "month": 3,
                "kind": MilestoneKind.DELIVERABLE,
                "description": ("Working group established.", "Groupe de travail établi."),
            },
            {
                "month": 6,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Engagement with CKAN community through the online forums.",
                    "Mobilisation de la communauté CKAN au moyen des forums en ligne.",
                ),
            },
            {
                "month": 9,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Sharing resources developed and best practices among the community (data quality, "
                    "visualizations, system integrations); sharing of templates for working in the open.",
                    "Partage des ressources élaborées et des pratiques exemplaires au sein de la communauté (qualité "
                    "des données, visualisations, intégration des systèmes); partage de modèles pour travailler "
                    "de façon ouverte.",
                ),
            },
            {
                "month": 12,
                "kind": MilestoneKind.ONGOING,
                "description": (
                    "Ongoing community engagement at developer level and beyond to ensure momentum and continued "
                    "use of CKAN and its common extensions.",
                    "Mobilisation continue de la communauté, auprès des développeurs et au-delà, pour maintenir "
                    "l'élan et assurer l'utilisation continue de CKAN et de ses extensions communes.",
                ),
            },
        ],
    },
    {
        "number": 3,
        "slug": "publish-with-a-purpose",
        "slug_fr": "publier-dans-un-but-precis",
        "title": ("Publish with a purpose", "Publier dans un but précis"),
        "issue": (
            "Disconnect between what is published and what would be most beneficial to businesses, researchers "
            "and civil society.",
            "Décalage entre ce qui est publié et ce qui serait le plus utile aux entreprises, aux chercheurs et à "
            "la société civile.",
        ),
        "consequences": [SAME_IMPACT],
        "outcome": (
            "Shift to a user-led approach to data releases",
            "Passage à une approche axée sur les utilisateurs pour la publication des données",
        ),
        "results": [
            (
                "Open data released is of high value to users, maximizes usability",
                "Les données ouvertes publiées ont une grande valeur pour les utilisateurs et sont le plus "
                "utilisables possible",
            ),
            (
                "Process to release open data is consistent with established open government practices, including "
                "co-creation, participation and accountability",
                "Le processus de publication des données ouvertes est conforme aux pratiques établies du "
                "gouvernement ouvert, notamment la cocréation, la participation et la responsabilisation",
            ),
        ],
        # "Ontario – TBD": Ontario leads, a second lead seat is still to be determined.
        "seats": [
            {"role": SeatRole.LEAD, "jurisdiction": "ON", "confirmed": True},
            {"role": SeatRole.LEAD, "jurisdiction": None, "confirmed": True},
        ],
        "milestones": [
            {
                "month": 3,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Conduct and share user research on data catalogue usability and open data user personas",
                    "Mener et diffuser des recherches sur les utilisateurs portant sur la convivialité des "
                    "catalogues de données et sur les profils types d'utilisateurs de données ouvertes",
                ),
            },
            {
                "month": 6,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Compile and publish open data user research results from Canadian jurisdictions",
                    "Compiler et publier les résultats des recherches sur les utilisateurs de données ouvertes "
                    "menées par les administrations canadiennes",
                ),
            },
            {
                "month": 9,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Design approach to sharing data catalogue analytics publically",
                    "Concevoir une approche pour rendre publiques les données analytiques des catalogues de données",
                ),
            },
            {
                "month": 12,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Explore more opportunities for public feedback on data use and reuse – storytelling, case "
                    "studies, etc.",
                    "Explorer d'autres possibilités de rétroaction du public sur l'utilisation et la réutilisation "
                    "des données – récits, études de cas, etc.",
                ),
            },
        ],
    },
    {
        "number": 4,
        "slug": "open-government-literacy",
        "slug_fr": "litteratie-gouvernement-ouvert",
        "title": ("Open Government Literacy", "Littératie en matière de gouvernement ouvert"),
        "issue": (
            "Canadians don’t know that they can influence government decisions and have access to government data "
            "and information",
            "Les Canadiens ne savent pas qu'ils peuvent influencer les décisions du gouvernement et qu'ils ont accès "
            "aux données et à l'information gouvernementales",
        ),
        "consequences": [
            (
                "Low participation rates and low trust in government",
                "Faibles taux de participation et faible confiance envers le gouvernement",
            ),
        ],
        "outcome": (
            "Common resources are made available to develop the skills of public servants of all level",
            "Des ressources communes sont mises à la disposition des fonctionnaires de tous les niveaux pour "
            "perfectionner leurs compétences",
        ),
        "results": [
            (
                "Public servants are better equipped to explain open data, open information and open dialogue",
                "Les fonctionnaires sont mieux outillés pour expliquer les données ouvertes, l'information ouverte "
                "et le dialogue ouvert",
            ),
            (
                "More Canadians understand what open government can do for them and get involved",
                "Davantage de Canadiens comprennent ce que le gouvernement ouvert peut faire pour eux et y participent",
            ),
        ],
        # "Ontario – BC – NS (TBD)": three lead seats, none of them confirmed yet.
        "seats": [
            {"role": SeatRole.LEAD, "jurisdiction": "ON", "confirmed": False},
            {"role": SeatRole.LEAD, "jurisdiction": "BC", "confirmed": False},
            {"role": SeatRole.LEAD, "jurisdiction": "NS", "confirmed": False},
        ],
        "milestones": [
            {
                "month": 3,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Multi-jurisdictional working group established.",
                    "Groupe de travail intergouvernemental établi.",
                ),
            },
            {
                "month": 6,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Establish an inventory of existing resources across jurisdictions and determine which "
                    "resources are missing.",
                    "Dresser un inventaire des ressources existantes dans l'ensemble des administrations et "
                    "déterminer les ressources manquantes.",
                ),
            },
            {
                "month": 9,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Existing resources are released and new resources are developed.",
                    "Les ressources existantes sont diffusées et de nouvelles ressources sont élaborées.",
                ),
            },
            {
                "month": 12,
                "kind": MilestoneKind.ONGOING,
                "description": (
                    "Ongoing release of resources made available to public servants.",
                    "Diffusion continue de ressources mises à la disposition des fonctionnaires.",
                ),
            },
        ],
    },
    {
        "number": 5,
        "slug": "inclusion-public-engagement-dialogue",
        "slug_fr": "inclusion-mobilisation-dialogue",
        "title": ("Inclusion, Public engagement and Dialogue", "Inclusion, mobilisation du public et dialogue"),
        "issue": (
            "Engagement efforts are duplicative or misaligned",
            "Les efforts de mobilisation font double emploi ou sont mal harmonisés",
        ),
        "consequences": [
            ("Canadians feel over-consulted", "Les Canadiens se sentent trop consultés"),
            (
                "Engagement approaches are not as inclusive as they should be",
                "Les approches de mobilisation ne sont pas aussi inclusives qu'elles devraient l'être",
            ),
        ],
        "outcome": (
            "Coordinated collaborative mechanisms for public dialogue and engagement across jurisdictions are "
            "available.",
            "Des mécanismes de collaboration coordonnés pour le dialogue et la mobilisation du public dans "
            "l'ensemble des administrations sont disponibles.",
        ),
        "results": [],
        "seats": [
            {"role": SeatRole.LEAD, "jurisdiction": "SK", "confirmed": True},
            {"role": SeatRole.LEAD, "jurisdiction": "AB", "confirmed": True},
            {"role": SeatRole.PARTNER, "jurisdiction": "NT", "confirmed": True},
        ],
        "milestones": [
            {
                "month": 3,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Identify the key principles and practices of focus from e-scan and mapping, and consult with "
                    "COGWG.",
                    "Cerner les principes et pratiques clés à privilégier à partir de l'analyse environnementale et "
                    "de la cartographie, et consulter le GTGO.",
                ),
            },
            {
                "month": 6,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Release the key principles and practices for public servants to access.",
                    "Diffuser les principes et pratiques clés afin que les fonctionnaires puissent les consulter.",
                ),
            },
            {
                "month": 9,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Develop learning plan on key engagement principles and practices, including elements of FOGO "
                    "and GBA+.",
                    "Élaborer un plan d'apprentissage sur les principes et pratiques clés de mobilisation, y compris "
                    "des éléments du gouvernement ouvert féministe et de l'ACS Plus.",
                ),
            },
            {
                "month": 10,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Establish a method to engage COGWG members on public consultations.",
                    "Établir une méthode pour mobiliser les membres du GTGO au sujet des consultations publiques.",
                ),
            },
            {
                "month": 12,
                "kind": MilestoneKind.DELIVERABLE,
                "description": (
                    "Hold learning sessions open to public servants in each jurisdiction to present and discuss key "
                    "engagement principles and practices.",
                    "Tenir des séances d'apprentissage ouvertes aux fonctionnaires de chaque administration pour "
                    "présenter et examiner les principes et pratiques clés de mobilisation.",
                ),
            },
        ],
    },
]

# "Jurisdictional Accomplishments", in the deck's order: it gives no dates, so none is
# recorded (the loader keeps the deck's order in their publication times).
ACCOMPLISHMENTS = [
    {
        "jurisdiction": "YT",
        "title": ("Yukon has launched its open data portal", "Le Yukon a lancé son portail de données ouvertes"),
        "category": AccomplishmentCategory.PORTAL,
        "links": [
            {
                "url": "https://open.yukon.ca/data/",
                "label": ("Yukon open data portal", "Portail de données ouvertes du Yukon"),
            },
        ],
    },
    {
        "jurisdiction": "NT",
        "title": (
            "NWT has released its open government policy and website",
            "Les T.N.-O. ont publié leur politique et leur site Web sur le gouvernement ouvert",
        ),
        "category": AccomplishmentCategory.POLICY,
        "links": [
            {
                "url": "http://www.gov.nt.ca/newsroom/news/"
                "policy-shows-commitment-making-government-more-open-transparent-and-accountable",
                "label": (
                    "Government of the Northwest Territories news release on the open government policy",
                    "Communiqué du gouvernement des Territoires du Nord-Ouest sur la politique sur le gouvernement "
                    "ouvert",
                ),
            },
            {
                "url": "https://www.eia.gov.nt.ca/en/priorities/open-government",
                "label": (
                    "Open government – Department of Executive and Indigenous Affairs",
                    "Gouvernement ouvert – ministère de l'Exécutif et des Affaires autochtones",
                ),
            },
        ],
    },
    {
        "jurisdiction": "ON",
        "title": ("ON has released a new digital plan", "L'Ontario a publié un nouveau plan numérique"),
        "category": AccomplishmentCategory.STRATEGY,
        "links": [
            {
                "url": "https://news.ontario.ca/mgs/en/2019/4/"
                "ontarios-government-delivers-simpler-faster-better-services-for-ontarians-with-new-digital-plan.html",
                "label": (
                    "Ontario news release on the new digital plan",
                    "Communiqué de l'Ontario sur le nouveau plan numérique",
                ),
            },
        ],
    },
    {
        "jurisdiction": "QC",
        "title": (
            "QC has launched a digital strategy for government transformation",
            "Le Québec a lancé une stratégie numérique pour la transformation de l'administration publique",
        ),
        "category": AccomplishmentCategory.STRATEGY,
        "links": [
            {
                "url": "https://www.quebec.ca/gouv/politiques-orientations/transformation-numerique/",
                "label": (
                    "Government of Quebec – digital transformation",
                    "Gouvernement du Québec – transformation numérique",
                ),
            },
        ],
    },
    {
        "jurisdiction": "SK",
        "title": (
            "Saskatchewan is creating a public engagement office",
            "La Saskatchewan met sur pied un bureau de mobilisation du public",
        ),
        "category": AccomplishmentCategory.ENGAGEMENT,
        "links": [],
    },
    {
        "jurisdiction": "MB",
        "title": (
            "Manitoba has launched the engagement section of their website",
            "Le Manitoba a lancé la section de son site Web consacrée à la mobilisation",
        ),
        "category": AccomplishmentCategory.ENGAGEMENT,
        "links": [],
    },
]

# "Ongoing Challenges": they concern "some jurisdictions", none in particular.
CHALLENGES = [
    {
        "title": (
            "Lack of resources (HR and funding) in some jurisdictions to fully engage on OG",
            "Manque de ressources (RH et financement) dans certaines administrations pour s'engager pleinement "
            "dans le GO",
        ),
        "category": ChallengeCategory.RESOURCES,
    },
    {
        "title": (
            "Slowdown in momentum on OG programs in some regions due to political transition",
            "Ralentissement de l'élan des programmes de GO dans certaines régions en raison de la transition politique",
        ),
        "category": ChallengeCategory.POLITICAL_TRANSITION,
    },
    {
        "title": (
            "Inconsistent approach to metadata profiles and IT infrastructure",
            "Approche non uniforme à l'égard des profils de métadonnées et de l'infrastructure de TI",
        ),
        "category": ChallengeCategory.METADATA_IT,
    },
    {
        "title": (
            "Concerns over legal considerations regarding the Open Data Charter",
            "Préoccupations quant aux considérations juridiques liées à la Charte sur les données ouvertes",
        ),
        "category": ChallengeCategory.LEGAL,
    },
]

# "Some Immediate Next Steps", in the deck's order; "children" are a step's sub-points.
NEXT_STEPS = [
    {
        "text": (
            "Build on ongoing progress and collaboratively implement the 2020 work plan.",
            "Tirer parti des progrès en cours et mettre en œuvre le plan de travail 2020 en collaboration.",
        ),
        "children": [],
    },
    {
        "text": ("In-person meeting to:", "Réunion en personne pour\u00a0:"),
        "children": [
            (
                "Discuss lessons learned on the implementation of the 2018-19 work plan",
                "Discuter des leçons tirées de la mise en œuvre du plan de travail 2018-2019",
            ),
            ("Identify ongoing projects for 2020", "Cerner les projets en cours pour 2020"),
            (
                "Determine collaboration opportunities for the 2020 work plan",
                "Déterminer les possibilités de collaboration pour le plan de travail 2020",
            ),
            (
                "Identify additional opportunities to foster holistic pan-Canadian efforts overall.",
                "Cerner d'autres possibilités de favoriser des efforts pancanadiens globaux et intégrés.",
            ),
        ],
    },
    {
        "text": (
            "Support the development of the new Open Government Partnership Local Strategy.",
            "Appuyer l'élaboration de la nouvelle stratégie locale du Partenariat pour un gouvernement ouvert.",
        ),
        "children": [],
    },
    {
        "text": (
            "Create partnerships to host federal and local government engagement sessions on the 5th National "
            "Action Plan on Open Government.",
            "Établir des partenariats pour tenir des séances de mobilisation du gouvernement fédéral et des "
            "administrations locales sur le 5e Plan d'action national pour un gouvernement ouvert.",
        ),
        "children": [],
    },
]

# The about page. The French list items continue the introduction, hence the lower case.
INFO_SECTIONS = [
    {
        "slug": "open-government",
        "order": 1,
        "title": ("Open Government and why it matters", "Le gouvernement ouvert et pourquoi il est important"),
        "intro": (
            "Open Government is about greater transparency and accountability, strengthening democracy and "
            "citizen participation, and driving innovation and economic opportunities for all Canadians. It is:",
            "Le gouvernement ouvert vise une transparence et une responsabilisation accrues, le renforcement de la "
            "démocratie et de la participation citoyenne, ainsi que la stimulation de l'innovation et des "
            "possibilités économiques pour tous les Canadiens. Il constitue\u00a0:",
        ),
        "body": [
            (
                "A key priority for the Government of Canada and governments across Canada;",
                "une priorité clé pour le gouvernement du Canada et les gouvernements de partout au Canada;",
            ),
            ("A recognized international undertaking;", "une initiative internationale reconnue;"),
            (
                "An opportunity for public servants to more effectively deliver the programs and services "
                "Canadians want and expect;",
                "une occasion pour les fonctionnaires d'offrir plus efficacement les programmes et services que "
                "les Canadiens veulent et attendent;",
            ),
            (
                "Well aligned with the Joint Council’s priorities on digital strategy and client-centric Services.",
                "une démarche bien harmonisée avec les priorités des Conseils mixtes en matière de stratégie "
                "numérique et de services axés sur le client.",
            ),
        ],
    },
    {
        "slug": "cogwg",
        "order": 2,
        "title": (
            "Canada Open Government Working Group (COGWG)",
            "Groupe de travail sur le gouvernement ouvert du Canada (GTGO)",
        ),
        "body": [
            (
                "A forum for multi-jurisdictional collaboration and advancement of key pan-Canadian Open "
                "Government (OG) priorities.",
                "Un forum de collaboration intergouvernementale pour faire progresser les principales priorités "
                "pancanadiennes en matière de gouvernement ouvert (GO).",
            ),
            (
                "Comprised of members from federal, provincial and territorial governments, and national municipal "
                "organizations.",
                "Composé de membres des gouvernements fédéral, provinciaux et territoriaux ainsi que d'organisations "
                "municipales nationales.",
            ),
            (
                "Currently co-chaired by the Government of Canada and TBC.",
                "Actuellement coprésidé par le gouvernement du Canada et un coprésident à confirmer.",
            ),
            (
                "Meets regularly to advance work and ensure alignment on key open government priorities.",
                "Se réunit régulièrement pour faire avancer les travaux et assurer l'harmonisation des principales "
                "priorités en matière de gouvernement ouvert.",
            ),
            (
                "Provides expert advice on OG and reports to the Joint Councils.",
                "Fournit des conseils d'experts sur le GO et rend compte aux Conseils mixtes.",
            ),
        ],
    },
]
