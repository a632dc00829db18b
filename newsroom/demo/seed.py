"""The seed article, word for word as readers saw it."""

from datetime import UTC, datetime

SLUG = "russia-ukraine-peace-talks-resume-in-istanbul-without-putin"
TITLE = "Russia-Ukraine Peace Talks Resume in Istanbul Without Putin"
SUMMARY = (
    "Russia and Ukraine hold their first direct peace talks in three years in Istanbul, "
    "with Vladimir Putin absent and his aide Vladimir Medinsky leading the Russian side."
)
PUBLISHED_AT = datetime(2025, 5, 16, 7, 0, tzinfo=UTC)
TAGS = ["Russia", "Ukraine", "Diplomacy", "Istanbul"]

RATING_LABEL = "Moderately Center-Leaning"
RATING_POSITION = 0
RATING_DIRECTION, RATING_STRENGTH = "center", 2
# The blind panel behind the rating: (analyst, the analyst's own lean, direction, strength,
# tone rubric where it is not "none", rationale). One analyst of each lean: a balanced
# panel. Its median is Center and its centrists say Moderately: the seed's label.
ASSESSMENTS = [
    (
        "Amira Haddad",
        "left",  # her own lean
        "center",
        2,
        {"speculation": "some"},
        "Wire-style account of the talks built on officials' statements from both sides; "
        "the outlook section speculates a little about what the talks can achieve.",
    ),
    (
        "Tomasz Nowak",
        "center",
        "center",
        2,
        {},
        "Both delegations are described in the same neutral terms and quoted directly; "
        "no loaded adjectives or partisan framing.",
    ),
    (
        "Grace Okafor",
        "right",
        "right",
        1,
        {"one_sided_sourcing": "some"},
        "Slightly more space for the Ukrainian and Western view of Russia's intentions than "
        "for Moscow's own account, though the language stays neutral.",
    ),
]
RATING_WHY = (
    "The report delivers factual updates and direct quotes from officials without emotional "
    "or partisan framing, with minimal speculation."
)

IMAGE_CREDIT = "Presidential Communications Office"
IMAGE_SOURCE = "Wikimedia Commons"
IMAGE_SOURCE_URL = "https://commons.wikimedia.org/"
IMAGE_ALT = "The Istanbul skyline at dusk, domes and minarets above the Bosphorus"
# The page shows the credit as the caption too, as the original did.
IMAGE_CAPTION = "Presidential Communications Office, Public domain, via Wikimedia Commons"

# (kind, body in Markdown)
SECTIONS = [
    (
        "key_developments",
        "- Russia and Ukraine are holding their first direct peace talks in three years in "
        "Istanbul.\n"
        "- Russian President Vladimir Putin is not attending; the Russian delegation is led by "
        "his aide, Vladimir Medinsky.\n"
        "- Ukrainian President Volodymyr Zelenskyy expressed disappointment at Putin’s absence "
        "but confirmed participation with a team led by Defense Minister Rustem Umerov.\n"
        "- U.S. Secretary of State Marco Rubio is expected to be present at the talks.\n",
    ),
    (
        "background",
        "The war between Russia and Ukraine has persisted since Russia’s full-scale invasion in "
        "February 2022. Previous peace efforts have repeatedly failed due to both sides refusing "
        "to compromise on key issues. The Istanbul talks were proposed by Putin as a venue for "
        "dialogue without preconditions, aimed at breaking the diplomatic deadlock and initiating "
        "steps toward conflict resolution.\n",
    ),
    ("delegations", ""),
    (
        "international_involvement",
        "- U.S. Secretary of State Marco Rubio’s planned presence signals strong Western interest "
        "in the talks.\n"
        "- Former President Donald Trump, who had expressed willingness to attend if Putin did, "
        "ultimately declined due to scheduling reasons.\n"
        "- European leaders have collectively urged a full and unconditional 30-day ceasefire as "
        "a prerequisite for broader peace negotiations.\n",
    ),
    (
        "challenges",
        "- President Zelenskyy criticized the composition of the Russian delegation, calling it "
        "“a theater prop,” and questioned Russia’s seriousness.\n"
        "- The absence of President Putin has fueled doubts about Russia’s genuine intent to "
        "reach a compromise.\n"
        "- Core issues remain unresolved: Russia continues to demand recognition of control over "
        "occupied territories, while Ukraine insists on full restoration of its territorial "
        "boundaries.\n",
    ),
    (
        "outlook",
        "The talks in Istanbul mark a rare diplomatic engagement after years of deadlock, but "
        "expectations remain low. The absence of top-level commitment, especially from the "
        "Russian side, and inflexible positions by both parties indicate that significant "
        "progress may be unlikely in this round. Still, the very occurrence of direct talks has "
        "been welcomed by international observers as a necessary, if limited, step toward "
        "de-escalation.\n",
    ),
]

# (party, notes in Markdown, [(name, role, is_head)])
DELEGATIONS = [
    (
        "Russia",
        "- Vladimir Medinsky, a top aide to President Putin, is leading the Russian delegation.\n"
        "- Other members include Deputy Defense Minister Alexander Fomin and Deputy Foreign "
        "Minister Mikhail Galuzin.\n",
        [
            ("Vladimir Medinsky", "Aide to President Putin", True),
            ("Alexander Fomin", "Deputy Defense Minister", False),
            ("Mikhail Galuzin", "Deputy Foreign Minister", False),
        ],
    ),
    (
        "Ukraine",
        "- Defense Minister Rustem Umerov is heading the Ukrainian side.\n"
        "- President Zelenskyy has emphasized the goal of achieving at least an initial "
        "ceasefire through these discussions.\n",
        [("Rustem Umerov", "Defense Minister", True)],
    ),
]
