//! The vocabulary the generated account draws from. Names come as (as written, ASCII form for
//! the email address) pairs; the awkward ones are the point: other scripts, emoji (some with
//! zero-width joiners), apostrophes straight and curly, hyphens, spaces, diacritics, and names
//! at Zoom's 64-character limit.

pub(super) type Pair = (&'static str, &'static str);

/// A family of names. `family_first` scripts build `display_name` as family name then given
/// name, without a space, as Zoom shows CJK names.
pub(super) struct Script {
    pub first: &'static [Pair],
    pub last: &'static [Pair],
    pub family_first: bool,
}

pub(super) const LATIN: Script = Script {
    first: &[
        ("James", "james"),
        ("Mary", "mary"),
        ("Robert", "robert"),
        ("Patricia", "patricia"),
        ("Jennifer", "jennifer"),
        ("Michael", "michael"),
        ("Linda", "linda"),
        ("David", "david"),
        ("Elizabeth", "elizabeth"),
        ("José", "jose"),
        ("Zoë", "zoe"),
        ("Björn", "bjorn"),
        ("François", "francois"),
        ("Łukasz", "lukasz"),
        ("Søren", "soren"),
        ("Siobhán", "siobhan"),
        ("Chidi", "chidi"),
        ("Ngozi", "ngozi"),
        ("Priya", "priya"),
        ("Arjun", "arjun"),
        ("Mateo", "mateo"),
        ("Lucía", "lucia"),
    ],
    last: &[
        ("Smith", "smith"),
        ("Johnson", "johnson"),
        ("Williams", "williams"),
        ("Brown", "brown"),
        ("Garcia", "garcia"),
        ("Miller", "miller"),
        ("Müller", "mueller"),
        ("Nuñez", "nunez"),
        ("Ødegård", "odegard"),
        ("Kowalski", "kowalski"),
        ("Nguyen", "nguyen"),
        ("Okafor", "okafor"),
        ("Patel", "patel"),
        ("van der Berg", "vanderberg"),
        ("de la Cruz", "delacruz"),
        ("Fernández", "fernandez"),
    ],
    family_first: false,
};

pub(super) const CHINESE: Script = Script {
    first: &[
        ("伟", "wei"),
        ("芳", "fang"),
        ("秀英", "xiuying"),
        ("娜", "na"),
        ("敏", "min"),
        ("静", "jing"),
    ],
    last: &[
        ("王", "wang"),
        ("李", "li"),
        ("张", "zhang"),
        ("刘", "liu"),
        ("陈", "chen"),
    ],
    family_first: true,
};

pub(super) const JAPANESE: Script = Script {
    first: &[
        ("花子", "hanako"),
        ("太郎", "taro"),
        ("さくら", "sakura"),
        ("翔太", "shota"),
        ("ゆい", "yui"),
    ],
    last: &[
        ("佐藤", "sato"),
        ("鈴木", "suzuki"),
        ("高橋", "takahashi"),
        ("田中", "tanaka"),
    ],
    family_first: true,
};

pub(super) const ARABIC: Script = Script {
    first: &[
        ("محمد", "mohammed"),
        ("فاطمة", "fatima"),
        ("أحمد", "ahmed"),
        ("ليلى", "layla"),
        ("عمر", "omar"),
    ],
    last: &[
        ("العلي", "alali"),
        ("حداد", "haddad"),
        ("الشمري", "alshammari"),
        ("منصور", "mansour"),
    ],
    family_first: false,
};

pub(super) const CYRILLIC: Script = Script {
    first: &[
        ("Дмитрий", "dmitry"),
        ("Анна", "anna"),
        ("Сергей", "sergey"),
        ("Ольга", "olga"),
        ("Юлия", "yulia"),
    ],
    last: &[
        ("Иванов", "ivanov"),
        ("Смирнова", "smirnova"),
        ("Кузнецов", "kuznetsov"),
        ("Попова", "popova"),
    ],
    family_first: false,
};

pub(super) const GREEK: Script = Script {
    first: &[
        ("Γιώργος", "giorgos"),
        ("Μαρία", "maria"),
        ("Νίκος", "nikos"),
        ("Ελένη", "eleni"),
    ],
    last: &[
        ("Παπαδόπουλος", "papadopoulos"),
        ("Οικονόμου", "oikonomou"),
        ("Γεωργίου", "georgiou"),
    ],
    family_first: false,
};

pub(super) const EMOJI_FIRST: &[Pair] = &[
    ("Alex 🚀", "alex"),
    ("🌸 Sakura", "sakura"),
    ("Sam 🏳️‍🌈", "sam"),
    ("Chris 👨‍👩‍👧", "chris"),
    ("Dana ✨", "dana"),
];

pub(super) const APOSTROPHE_LAST: &[Pair] = &[
    ("O'Brien", "obrien"),
    ("D'Angelo", "dangelo"),
    ("N'Dour", "ndour"),
    ("O’Hara", "ohara"),
];

pub(super) const HYPHEN_FIRST: &[Pair] = &[
    ("Jean-Luc", "jean-luc"),
    ("Anne-Marie", "anne-marie"),
    ("Mary-Kate", "mary-kate"),
];

pub(super) const HYPHEN_LAST: &[Pair] = &[
    ("Smith-Jones", "smith-jones"),
    ("Lloyd-Webber", "lloyd-webber"),
    ("García-Márquez", "garcia-marquez"),
];

/// Exactly 64 characters each, Zoom's `first_name`/`last_name` maximum.
pub(super) const LONG_FIRST: &[Pair] = &[
    (
        "Maximiliana-Alexandrina Konstantina Theodora Evangelina Rosabell",
        "maximiliana",
    ),
    (
        "Anastasia-Seraphina Wilhelmina Genevieve Octavia Marguerite Rose",
        "anastasia",
    ),
];

pub(super) const LONG_LAST: &[Pair] = &[
    (
        "Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff-Montgomery",
        "featherstonehaugh",
    ),
    (
        "Papadimitriou-Vanderbilt-Fitzwilliam-Oyelaran-Abernathy-Castillo",
        "papadimitriou",
    ),
];

pub(super) const EMAIL_DOMAINS: &[&str] = &["example.com", "example.org", "corp.example.co.uk"];

pub(super) const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Sales",
    "R&D",
    "Finance & Ops",
    "Customer Success",
    "Ventes / Marketing",
    "研发部",
    "People <HR>",
];

/// Including the odd offsets (+05:45, +12:45) that trip up naive time handling.
pub(super) const TIMEZONES: &[&str] = &[
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Athens",
    "Europe/Moscow",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Riyadh",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Pacific/Chatham",
];

pub(super) const LANGUAGES: &[&str] = &[
    "en-US", "en-GB", "zh-CN", "ja-JP", "de-DE", "fr-FR", "es-ES", "ru-RU",
];

pub(super) const CLIENT_VERSIONS: &[&str] = &[
    "6.2.5.55123(mac)",
    "6.1.11.50234(win)",
    "5.17.11.34827(win)",
    "6.0.2.33403(android)",
    "6.1.0.40128(iphone)",
    "5.16.10.26186(linux)",
];

pub(super) const JOB_TITLES: &[&str] = &[
    "API Developer",
    "Account Executive",
    "Head of Ops",
    "Ingénieure logiciel",
    "Staff Engineer, Platform & Tools",
];

pub(super) const LOCATIONS: &[&str] = &["Paris", "San José", "東京", "London", "São Paulo"];

pub(super) const COMPANIES: &[&str] = &["Example Inc.", "Exämple GmbH", "例子有限公司"];

/// Meeting, webinar and recording topics (Zoom allows 200 characters).
pub(super) const TOPICS: &[&str] = &[
    "Weekly standup",
    "1:1 Jill / Tom",
    "Quarterly business review — Q3",
    "Sprint planning & retro",
    "Réunion d'équipe",
    "週次定例ミーティング",
    "产品评审会",
    "Customer onboarding: <Acme> \"pilot\"",
    "🚀 Launch sync",
    "Office hours",
];

pub(super) const AGENDAS: &[&str] = &[
    "Status, blockers, next steps.",
    "1. Welcome\n2. Demo\n3. Q&A",
    "Revue des objectifs trimestriels.",
    "議題：進捗確認",
];

pub(super) const INDUSTRIES: &[&str] = &["Food", "Education", "Healthcare", "Software", ""];

pub(super) const COUNTRIES: &[&str] = &["US", "FR", "JP", "DE", "BR", "IN"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_sit_exactly_at_zooms_limit() {
        for (name, _) in LONG_FIRST.iter().chain(LONG_LAST) {
            assert_eq!(name.chars().count(), 64, "{name}");
        }
    }

    #[test]
    fn email_forms_are_lower_case_ascii() {
        let scripts = [&LATIN, &CHINESE, &JAPANESE, &ARABIC, &CYRILLIC, &GREEK];
        let pairs = scripts
            .iter()
            .flat_map(|s| s.first.iter().chain(s.last))
            .chain(EMOJI_FIRST)
            .chain(APOSTROPHE_LAST)
            .chain(HYPHEN_FIRST)
            .chain(HYPHEN_LAST)
            .chain(LONG_FIRST)
            .chain(LONG_LAST);
        for (_, ascii) in pairs {
            assert!(
                ascii.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{ascii}"
            );
        }
    }
}
