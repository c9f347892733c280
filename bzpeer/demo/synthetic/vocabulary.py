"""The synthetic world's shape (seed, sizes, skew) and its invented vocabulary."""

DEFAULT_SEED = 20240601
DOI_PREFIX = "10.5555/synthetic."
CHUNK_WORKS = 20_000
THIS_YEAR = 2025
# Lab weights fall off as rank ** -LAB_SKEW; 0.6 puts the top lab near 0.5% of all works.
LAB_SKEW = 0.6
WORKS_PER_LAB = 20

# --- Invented vocabulary --------------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


GIVEN_HEADS = _words(
    "Ael Bry Cael Dorv Eth Fyr Gwel Hael Ilv Jhar Kyr Lyth Myr Nyx Orv Pry Quor Ryn Syl Thal Ulv "
    "Vex Wyr Xan Yzm Zor"
)
GIVEN_TAILS = _words("a ane ara en eth ia is o on ora un yn ix elle ando iel")
FAMILY_HEADS = _words(
    "Bram Cor Dal Fen Grav Hol Kes Lom Mar Nev Orm Pell Quas Riv Stol Tarn Vask Wend Yar Zell"
)
FAMILY_MIDS = _words("a e i o u ar en ix ov ul")
FAMILY_TAILS = _words("quist thorn vane mire wick dell grove brook zar ketti mund lowe ryx vell")
INITIALS = "BCDFGHJKLMNPRSTVWZ"
PLACE_HEADS = _words(
    "Var Kel Mor Ost Brin Cal Dun Fal Glen Har Ith Lun Nor Pen Quel Ros Sar Tel Vel Wyn"
)
PLACE_TAILS = _words("holt mora stead wick ford haven mere dale crest port gard bury")

TAXONOMY = {
    "Physical Sciences": {
        "Physics and Astronomy": ["Condensed Matter Physics", "Astronomy and Astrophysics"],
        "Computer Science": ["Artificial Intelligence", "Computer Networks", "Software"],
        "Chemistry": ["Organic Chemistry", "Physical and Theoretical Chemistry"],
        "Mathematics": ["Applied Mathematics", "Statistics and Probability"],
        "Earth and Planetary Sciences": ["Atmospheric Science", "Geophysics"],
        "Engineering": ["Control and Systems Engineering", "Materials Engineering"],
    },
    "Life Sciences": {
        "Biochemistry, Genetics and Molecular Biology": ["Genetics", "Structural Biology"],
        "Agricultural and Biological Sciences": ["Ecology", "Plant Science"],
        "Neuroscience": ["Cognitive Neuroscience", "Cellular Neuroscience"],
    },
    "Health Sciences": {
        "Medicine": ["Epidemiology", "Oncology", "Cardiology"],
        "Nursing": ["Community Care"],
        "Health Professions": ["Rehabilitation"],
    },
    "Social Sciences": {
        "Economics, Econometrics and Finance": ["Labour Economics", "Finance"],
        "Psychology": ["Developmental Psychology", "Social Psychology"],
        "Social Sciences": ["Education", "Library and Information Sciences"],
    },
}
TOPIC_ADJECTIVES = _words(
    "Adaptive Bayesian Coupled Distributed Emergent Fractional Hierarchical Inverse Latent "
    "Multiscale Nonlinear Probabilistic Robust Sparse Stochastic Topological Variational Spectral "
    "Dynamic Comparative"
)
TOPIC_NOUNS = _words(
    "Models Networks Dynamics Inference Structures Signals Transport Patterns Mechanisms Systems "
    "Estimation Control Imaging Processes Interactions Metrics"
)
TITLE_ADJECTIVES = _words(
    "scalable efficient robust unified minimal interpretable rapid accurate generalized principled"
)
METHODS = _words(
    "graph neural surrogates|mixed-effects models|Monte Carlo sampling|spectral decomposition|"
    "cohort analysis|field experiments|synthetic controls|kernel methods|agent-based simulation|"
    "sparse regression",
    "|",
)
SETTINGS = _words(
    "a multi-site cohort|simulated benchmarks|a national panel survey|laboratory measurements|"
    "long-term field data|open synthetic archives|controlled trials|satellite observations",
    "|",
)
FINDINGS = _words(
    "the effect is smaller than previously reported|a simple baseline remains competitive|"
    "two regimes coexist at intermediate scales|the signal is robust to heavy noise|"
    "earlier estimates were biased upward|a threshold emerges near the critical point",
    "|",
)
CLOSINGS = _words(
    "We release the generated data and code.|The results suggest directions for further work.|"
    "Limitations of the synthetic setting are discussed.|Implications for practice are outlined.",
    "|",
)
WORK_TYPES = [("article", 74), ("preprint", 10), ("review", 5), ("book-chapter", 4),
              ("dataset", 2), ("dissertation", 2), ("report", 2), ("book", 1)]  # fmt: skip
INSTITUTION_TYPES = [("education", 60), ("healthcare", 12), ("facility", 12), ("company", 6),
                     ("government", 5), ("nonprofit", 5)]  # fmt: skip
INSTITUTION_NAMES = {
    "education": ["Synthetic University of {p}", "{p} Synthetic Institute of Technology"],
    "healthcare": ["Synthetic {p} Medical Centre"],
    "facility": ["Synthetic {p} Research Laboratory"],
    "company": ["{p} Synthetic Labs Ltd"],
    "government": ["Synthetic {p} Bureau of Standards"],
    "nonprofit": ["Synthetic {p} Foundation for Science"],
}
COUNTRIES = _words("US CN GB DE JP FR IN CA IT AU ES KR BR NL SE CH PL ZA MX NG EG AR FI NZ KE")
LANGUAGES = ["de", "fr", "es", "pt", "ja"]
