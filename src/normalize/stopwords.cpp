// Stopword lists per language, written for this project: the function words
// (articles, pronouns, prepositions, conjunctions, auxiliaries, frequent
// adverbs) that a news text of that language is made of, in natural spelling.
// They are normalised (normalize_word) and hashed when first used.
#include <initializer_list>
#include <utility>
#include <vector>

#include "normalize/language.h"
#include "normalize/word_set.h"

namespace kindred::normalize {

namespace {

const std::initializer_list<std::string_view> kEnglish = {
    "a",       "about", "above",   "after",   "again",   "against", "all",     "also",    "am",
    "an",      "and",   "any",     "are",     "as",      "at",      "be",      "because", "been",
    "before",  "being", "below",   "between", "both",    "but",     "by",      "can",     "cannot",
    "could",   "did",   "do",      "does",    "doing",   "don't",   "down",    "during",  "each",
    "even",    "few",   "for",     "from",    "further", "had",     "has",     "have",    "having",
    "he",      "her",   "here",    "hers",    "herself", "him",     "himself", "his",     "how",
    "i",       "if",    "i'm",     "in",      "into",    "is",      "it",      "its",     "itself",
    "just",    "me",    "might",   "more",    "most",    "much",    "must",    "my",      "myself",
    "no",      "nor",   "not",     "now",     "of",      "off",     "on",      "once",    "only",
    "or",      "other", "our",     "ours",    "out",     "over",    "own",     "same",    "she",
    "should",  "since", "so",      "some",    "still",   "such",    "than",    "that",    "that's",
    "the",     "their", "theirs",  "them",    "then",    "there",   "these",   "they",    "they're",
    "this",    "those", "through", "to",      "too",     "under",   "until",   "up",      "upon",
    "us",      "very",  "was",     "we",      "were",    "what",    "when",    "where",   "whether",
    "which",   "while", "who",     "whom",    "whose",   "why",     "will",    "with",    "within",
    "without", "would", "yet",     "you",     "your",    "yours",   "it's",    "there's", "won't",
};

const std::initializer_list<std::string_view> kFrench = {
    "le",    "la",     "les",    "un",     "une",     "des",   "du",    "de",     "et",
    "ou",    "mais",   "donc",   "or",     "ni",      "car",   "que",   "qui",    "quoi",
    "dont",  "où",     "ce",     "cet",    "cette",   "ces",   "mon",   "ma",     "mes",
    "ton",   "ta",     "tes",    "son",    "sa",      "ses",   "notre", "nos",    "votre",
    "vos",   "leur",   "leurs",  "je",     "tu",      "il",    "elle",  "on",     "nous",
    "vous",  "ils",    "elles",  "me",     "te",      "se",    "lui",   "y",      "en",
    "à",     "au",     "aux",    "dans",   "par",     "pour",  "sur",   "sous",   "avec",
    "sans",  "chez",   "entre",  "vers",   "contre",  "après", "avant", "depuis", "pendant",
    "selon", "est",    "sont",   "était",  "étaient", "été",   "être",  "a",      "ont",
    "avait", "avoir",  "sera",   "seront", "fait",    "faire", "ne",    "pas",    "plus",
    "moins", "très",   "aussi",  "comme",  "si",      "tout",  "tous",  "toute",  "toutes",
    "même",  "autre",  "autres", "cela",   "ça",      "ceci",  "celui", "celle",  "ceux",
    "lors",  "encore", "déjà",   "ainsi",  "alors",   "puis",  "quand", "c'est",  "qu'il",
    "n'est",
};

const std::initializer_list<std::string_view> kGerman = {
    "der",    "die",    "das",    "den",    "dem",    "des",    "ein",      "eine",    "einen",
    "einem",  "einer",  "eines",  "und",    "oder",   "aber",   "doch",     "sondern", "denn",
    "dass",   "daß",    "wenn",   "als",    "wie",    "ob",     "weil",     "da",      "ich",
    "du",     "er",     "sie",    "es",     "wir",    "ihr",    "mich",     "mir",     "dich",
    "sich",   "uns",    "euch",   "ihn",    "ihm",    "ihnen",  "sein",     "seine",   "seiner",
    "seinen", "seinem", "ihre",   "ihren",  "ihrem",  "ihrer",  "unser",    "unsere",  "in",
    "im",     "an",     "am",     "auf",    "aus",    "bei",    "beim",     "mit",     "nach",
    "von",    "vom",    "zu",     "zum",    "zur",    "für",    "über",     "unter",   "vor",
    "gegen",  "ohne",   "um",     "durch",  "bis",    "seit",   "zwischen", "ist",     "sind",
    "war",    "waren",  "wird",   "werden", "wurde",  "wurden", "hat",      "haben",   "hatte",
    "hatten", "kann",   "können", "soll",   "sollen", "muss",   "nicht",    "kein",    "keine",
    "auch",   "noch",   "nur",    "schon",  "sehr",   "so",     "dies",     "diese",   "dieser",
    "dieses", "diesen", "jetzt",  "dann",   "man",    "mehr",   "alle",     "allem",   "was",
};

const std::initializer_list<std::string_view> kSpanish = {
    "el",    "la",       "los",      "las",     "lo",      "un",      "una",     "unos",   "unas",
    "de",    "del",      "al",       "a",       "y",       "e",       "o",       "u",      "pero",
    "sino",  "que",      "quien",    "quienes", "cual",    "cuyo",    "donde",   "como",   "cuando",
    "en",    "con",      "por",      "para",    "sin",     "sobre",   "entre",   "hasta",  "desde",
    "hacia", "contra",   "según",    "tras",    "durante", "yo",      "tú",      "él",     "ella",
    "ello",  "nosotros", "vosotros", "ellos",   "ellas",   "usted",   "ustedes", "me",     "te",
    "se",    "nos",      "le",       "les",     "mi",      "mis",     "tu",      "tus",    "su",
    "sus",   "nuestro",  "nuestra",  "este",    "esta",    "estos",   "estas",   "ese",    "esa",
    "esos",  "esas",     "es",       "son",     "era",     "eran",    "fue",     "fueron", "ser",
    "sido",  "está",     "están",    "estaba",  "ha",      "han",     "había",   "haber",  "hay",
    "no",    "sí",       "más",      "menos",   "muy",     "también", "ya",      "si",     "todo",
    "todos", "toda",     "todas",    "otro",    "otra",    "otros",   "otras",   "mismo",  "esto",
};

const std::initializer_list<std::string_view> kItalian = {
    "il",     "lo",     "la",     "i",      "gli",   "le",    "un",   "uno",   "una",   "di",
    "del",    "dello",  "della",  "dei",    "degli", "delle", "a",    "al",    "allo",  "alla",
    "ai",     "agli",   "alle",   "da",     "dal",   "dalla", "in",   "nel",   "nella", "nei",
    "con",    "su",     "sul",    "sulla",  "per",   "tra",   "fra",  "e",     "ed",    "o",
    "ma",     "che",    "chi",    "cui",    "non",   "è",     "sono", "era",   "erano", "essere",
    "ha",     "hanno",  "aveva",  "avere",  "stato", "stata", "io",   "tu",    "lui",   "lei",
    "noi",    "voi",    "loro",   "si",     "ci",    "mi",    "ti",   "suo",   "sua",   "suoi",
    "questo", "questa", "quello", "quella", "anche", "come",  "più",  "molto", "già",   "ancora",
};

const std::initializer_list<std::string_view> kPortuguese = {
    "o",      "a",      "os",   "as",    "um",    "uma",   "uns",  "umas",  "de",     "do",
    "da",     "dos",    "das",  "em",    "no",    "na",    "nos",  "nas",   "ao",     "aos",
    "à",      "às",     "por",  "pelo",  "pela",  "para",  "com",  "sem",   "sobre",  "entre",
    "e",      "ou",     "mas",  "que",   "quem",  "qual",  "onde", "como",  "quando", "não",
    "é",      "são",    "foi",  "foram", "ser",   "era",   "está", "estão", "estava", "tem",
    "têm",    "tinha",  "ter",  "há",    "eu",    "ele",   "ela",  "nós",   "eles",   "elas",
    "seu",    "sua",    "seus", "suas",  "este",  "esta",  "esse", "essa",  "isso",   "isto",
    "aquele", "também", "já",   "mais",  "muito", "ainda", "se",   "lhe",   "me",     "todo",
};

const std::initializer_list<std::string_view> kDutch = {
    "de",    "het",    "een",  "en",    "of",     "maar",   "dat",  "die",    "dit", "deze",
    "van",   "in",     "op",   "aan",   "met",    "voor",   "door", "over",   "bij", "naar",
    "uit",   "tot",    "om",   "onder", "tegen",  "zonder", "is",   "zijn",   "was", "waren",
    "wordt", "worden", "werd", "heeft", "hebben", "had",    "kan",  "kunnen", "zal", "zou",
    "niet",  "geen",   "ook",  "nog",   "al",     "wel",    "er",   "hij",    "zij", "ze",
    "wij",   "we",     "ik",   "jij",   "u",      "hun",    "haar", "hem",    "ons", "mijn",
    "als",   "dan",    "wat",  "wie",   "waar",   "hoe",    "toen", "nu",     "zo",  "meer",
};

const std::initializer_list<std::string_view> kTurkish = {
    "ve",     "ile",   "bir",   "bu",    "şu",    "o",      "da",       "de",         "ki",
    "mi",     "mı",    "mu",    "mü",    "için",  "gibi",   "kadar",    "sonra",      "önce",
    "daha",   "çok",   "en",    "ama",   "fakat", "ancak",  "veya",     "ya",         "hem",
    "ne",     "değil", "var",   "yok",   "olan",  "olarak", "oldu",     "olduğu",     "olduğunu",
    "olmak",  "olan",  "ise",   "her",   "hiç",   "bütün",  "tüm",      "bazı",       "ben",
    "sen",    "biz",   "siz",   "onlar", "onu",   "onun",   "ona",      "bunu",       "bunun",
    "buna",   "bize",  "göre",  "karşı", "üzere", "yani",   "şey",      "diye",       "eğer",
    "artık",  "yine",  "zaten", "hâlâ",  "beri",  "doğru",  "arasında", "tarafından", "ayrıca",
    "ilgili", "nasıl", "neden", "kim",   "hangi", "bile",   "dahi",     "çünkü",
};

const std::initializer_list<std::string_view> kRussian = {
    "и",   "в",     "во",     "не",    "что",   "он",     "на",      "я",       "с",       "со",
    "как", "а",     "то",     "все",   "она",   "так",    "его",     "но",      "да",      "ты",
    "к",   "у",     "же",     "вы",    "за",    "бы",     "по",      "только",  "ее",      "её",
    "мне", "было",  "вот",    "от",    "меня",  "еще",    "ещё",     "нет",     "о",       "об",
    "из",  "ему",   "теперь", "когда", "даже",  "ну",     "ли",      "если",    "уже",     "или",
    "ни",  "быть",  "был",    "была",  "были",  "него",   "до",      "вас",     "нибудь",  "опять",
    "уж",  "вам",   "ведь",   "там",   "потом", "себя",   "ничего",  "ей",      "может",   "они",
    "тут", "где",   "есть",   "надо",  "ней",   "для",    "мы",      "тебя",    "их",      "чем",
    "сам", "чтобы", "без",    "будто", "чего",  "раз",    "тоже",    "себе",    "под",     "будет",
    "ж",   "тогда", "кто",    "этот",  "того",  "потому", "этого",   "какой",   "этом",    "при",
    "это", "эти",   "эта",    "после", "между", "также",  "который", "которые", "которая", "над",
};

const std::initializer_list<std::string_view> kArabic = {
    "في",   "من",    "على",   "إلى",  "عن",    "مع",  "أن",   "إن",   "ان",   "أو",   "ثم",
    "لا",   "ما",    "لم",    "لن",   "قد",    "كان", "كانت", "يكون", "هذا",  "هذه",  "ذلك",
    "تلك",  "هؤلاء", "التي",  "الذي", "الذين", "هو",  "هي",   "هم",   "نحن",  "أنا",  "أنت",
    "كل",   "بعض",   "غير",   "بين",  "حتى",   "بعد", "قبل",  "عند",  "منذ",  "خلال", "حيث",
    "كما",  "أيضا",  "لكن",   "بل",   "إذا",   "لقد", "وقد",  "وفي",  "ومن",  "وهو",  "وهي",
    "وأن",  "وان",   "التى",  "او",   "اي",    "أي",  "به",   "بها",  "له",   "لها",  "فيه",
    "فيها", "عليه",  "عليها", "منه",  "منها",  "إنه", "أنه",  "انه",  "هناك", "ضد",   "نحو",
};

const std::initializer_list<std::string_view> kChinese = {
    "的",   "了",   "在",   "是",   "和",   "与",   "及",   "也",   "有",   "他",   "她",   "它",
    "们",   "这",   "那",   "就",   "都",   "而",   "着",   "对",   "等",   "被",   "将",   "把",
    "从",   "向",   "但",   "为",   "以",   "于",   "之",   "其",   "或",   "并",   "则",   "个",
    "中",   "上",   "下",   "我",   "你",   "我们", "他们", "这个", "一个", "没有", "已经", "因为",
    "所以", "如果", "但是", "而且", "以及", "还",   "又",   "很",
};

const std::initializer_list<std::string_view> kJapanese = {
    "の",   "に",   "は",   "を",   "た",   "が",   "で",   "て",   "と",   "し",
    "れ",   "さ",   "ある", "いる", "も",   "する", "から", "な",   "こと", "として",
    "い",   "や",   "など", "なっ", "ない", "この", "ため", "その", "あっ", "よう",
    "また", "もの", "あり", "まで", "られ", "なる", "へ",   "か",
};

const std::initializer_list<std::string_view>& list_of(Language language) {
  static const std::initializer_list<std::string_view> kNone = {};
  switch (language) {
    case Language::kEnglish:
      return kEnglish;
    case Language::kFrench:
      return kFrench;
    case Language::kGerman:
      return kGerman;
    case Language::kSpanish:
      return kSpanish;
    case Language::kItalian:
      return kItalian;
    case Language::kPortuguese:
      return kPortuguese;
    case Language::kDutch:
      return kDutch;
    case Language::kTurkish:
      return kTurkish;
    case Language::kRussian:
      return kRussian;
    case Language::kArabic:
      return kArabic;
    case Language::kChinese:
      return kChinese;
    case Language::kJapanese:
      return kJapanese;
    case Language::kUnknown:
      break;
  }
  return kNone;
}

}  // namespace

const WordHashSet& stopword_set(Language language) {
  // Built once, on first use; immutable afterwards (thread-safe static init).
  static const std::array<WordHashSet, kLanguageCount> sets = [] {
    std::array<WordHashSet, kLanguageCount> out;
    for (size_t l = 0; l < kLanguageCount; ++l) {
      for (std::string_view w : list_of(static_cast<Language>(l))) {
        out[l].insert(word_hash(normalize_word(w)));
      }
    }
    return out;
  }();
  return sets[static_cast<size_t>(language)];
}

uint32_t stopword_languages(uint64_t hash) {
  // Every language's list in one table, so that identify_language() probes
  // once per token instead of once per language. PERF: the per-language probes
  // were 7% of a default scan of synthetic text.
  struct Table {
    std::vector<std::pair<uint64_t, uint32_t>> slots;
    size_t mask = 0;
  };
  static const Table table = [] {
    Table t;
    size_t words = 0;
    for (size_t l = 0; l < kLanguageCount; ++l) words += list_of(static_cast<Language>(l)).size();
    size_t size = 16;
    while (size < 2 * words) size *= 2;
    t.slots.assign(size, {0, 0});
    t.mask = size - 1;
    for (size_t l = 0; l < kLanguageCount; ++l) {
      for (std::string_view w : list_of(static_cast<Language>(l))) {
        const uint64_t h = word_hash(normalize_word(w));
        size_t i = h & t.mask;
        while (t.slots[i].first != 0 && t.slots[i].first != h) i = (i + 1) & t.mask;
        t.slots[i].first = h;
        t.slots[i].second |= uint32_t{1} << l;
      }
    }
    return t;
  }();
  for (size_t i = hash & table.mask;; i = (i + 1) & table.mask) {
    if (table.slots[i].first == hash) return table.slots[i].second;
    if (table.slots[i].first == 0) return 0;
  }
}

bool is_stopword(Language language, uint64_t hash) {
  return stopword_set(language).contains(hash);
}

bool is_stopword(Language language, std::string_view normalized_word) {
  return stopword_set(language).contains(word_hash(normalized_word));
}

}  // namespace kindred::normalize
