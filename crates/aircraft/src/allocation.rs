//! The state an ICAO 24-bit address is allocated to: ICAO Annex 10, Volume III, Part I,
//! Chapter 9, Table 9-1 ("Allocation of aircraft addresses to States"), written here as data.
//! A state registers its aircraft in its own block, so the block names the country of
//! registration (not of the operator). Blocks ICAO keeps for itself (F00000–F07FFF temporary,
//! F09000–F093FF special use) and unallocated space name no country.

/// A state, by its ISO 3166-1 alpha-2 code and English short name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub iso: &'static str,
    /// English short name.
    pub name: &'static str,
}

/// One allocated block of addresses, inclusive at both ends.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    /// First address of the block.
    pub first: u32,
    /// Last address of the block.
    pub last: u32,
    /// The state it is allocated to.
    pub country: Country,
}

/// Every allocated block, in address order, none overlapping (a unit test checks both).
pub static BLOCKS: &[Block] = &[
    Block {
        first: 0x004000,
        last: 0x0043FF,
        country: Country {
            iso: "ZW",
            name: "Zimbabwe",
        },
    },
    Block {
        first: 0x006000,
        last: 0x006FFF,
        country: Country {
            iso: "MZ",
            name: "Mozambique",
        },
    },
    Block {
        first: 0x008000,
        last: 0x00FFFF,
        country: Country {
            iso: "ZA",
            name: "South Africa",
        },
    },
    Block {
        first: 0x010000,
        last: 0x017FFF,
        country: Country {
            iso: "EG",
            name: "Egypt",
        },
    },
    Block {
        first: 0x018000,
        last: 0x01FFFF,
        country: Country {
            iso: "LY",
            name: "Libya",
        },
    },
    Block {
        first: 0x020000,
        last: 0x027FFF,
        country: Country {
            iso: "MA",
            name: "Morocco",
        },
    },
    Block {
        first: 0x028000,
        last: 0x02FFFF,
        country: Country {
            iso: "TN",
            name: "Tunisia",
        },
    },
    Block {
        first: 0x030000,
        last: 0x0303FF,
        country: Country {
            iso: "BW",
            name: "Botswana",
        },
    },
    Block {
        first: 0x032000,
        last: 0x032FFF,
        country: Country {
            iso: "BI",
            name: "Burundi",
        },
    },
    Block {
        first: 0x034000,
        last: 0x034FFF,
        country: Country {
            iso: "CM",
            name: "Cameroon",
        },
    },
    Block {
        first: 0x035000,
        last: 0x0353FF,
        country: Country {
            iso: "KM",
            name: "Comoros",
        },
    },
    Block {
        first: 0x036000,
        last: 0x036FFF,
        country: Country {
            iso: "CG",
            name: "Congo",
        },
    },
    Block {
        first: 0x038000,
        last: 0x038FFF,
        country: Country {
            iso: "CI",
            name: "Côte d'Ivoire",
        },
    },
    Block {
        first: 0x03E000,
        last: 0x03EFFF,
        country: Country {
            iso: "GA",
            name: "Gabon",
        },
    },
    Block {
        first: 0x040000,
        last: 0x040FFF,
        country: Country {
            iso: "ET",
            name: "Ethiopia",
        },
    },
    Block {
        first: 0x042000,
        last: 0x042FFF,
        country: Country {
            iso: "GQ",
            name: "Equatorial Guinea",
        },
    },
    Block {
        first: 0x044000,
        last: 0x044FFF,
        country: Country {
            iso: "GH",
            name: "Ghana",
        },
    },
    Block {
        first: 0x046000,
        last: 0x046FFF,
        country: Country {
            iso: "GN",
            name: "Guinea",
        },
    },
    Block {
        first: 0x048000,
        last: 0x0483FF,
        country: Country {
            iso: "GW",
            name: "Guinea-Bissau",
        },
    },
    Block {
        first: 0x04A000,
        last: 0x04A3FF,
        country: Country {
            iso: "LS",
            name: "Lesotho",
        },
    },
    Block {
        first: 0x04C000,
        last: 0x04CFFF,
        country: Country {
            iso: "KE",
            name: "Kenya",
        },
    },
    Block {
        first: 0x050000,
        last: 0x050FFF,
        country: Country {
            iso: "LR",
            name: "Liberia",
        },
    },
    Block {
        first: 0x054000,
        last: 0x054FFF,
        country: Country {
            iso: "MG",
            name: "Madagascar",
        },
    },
    Block {
        first: 0x058000,
        last: 0x058FFF,
        country: Country {
            iso: "MW",
            name: "Malawi",
        },
    },
    Block {
        first: 0x05A000,
        last: 0x05A3FF,
        country: Country {
            iso: "MV",
            name: "Maldives",
        },
    },
    Block {
        first: 0x05C000,
        last: 0x05CFFF,
        country: Country {
            iso: "ML",
            name: "Mali",
        },
    },
    Block {
        first: 0x05E000,
        last: 0x05E3FF,
        country: Country {
            iso: "MR",
            name: "Mauritania",
        },
    },
    Block {
        first: 0x060000,
        last: 0x0603FF,
        country: Country {
            iso: "MU",
            name: "Mauritius",
        },
    },
    Block {
        first: 0x062000,
        last: 0x062FFF,
        country: Country {
            iso: "NE",
            name: "Niger",
        },
    },
    Block {
        first: 0x064000,
        last: 0x064FFF,
        country: Country {
            iso: "NG",
            name: "Nigeria",
        },
    },
    Block {
        first: 0x068000,
        last: 0x068FFF,
        country: Country {
            iso: "UG",
            name: "Uganda",
        },
    },
    Block {
        first: 0x06A000,
        last: 0x06A3FF,
        country: Country {
            iso: "QA",
            name: "Qatar",
        },
    },
    Block {
        first: 0x06C000,
        last: 0x06CFFF,
        country: Country {
            iso: "CF",
            name: "Central African Republic",
        },
    },
    Block {
        first: 0x06E000,
        last: 0x06EFFF,
        country: Country {
            iso: "RW",
            name: "Rwanda",
        },
    },
    Block {
        first: 0x070000,
        last: 0x070FFF,
        country: Country {
            iso: "SN",
            name: "Senegal",
        },
    },
    Block {
        first: 0x074000,
        last: 0x0743FF,
        country: Country {
            iso: "SC",
            name: "Seychelles",
        },
    },
    Block {
        first: 0x076000,
        last: 0x0763FF,
        country: Country {
            iso: "SL",
            name: "Sierra Leone",
        },
    },
    Block {
        first: 0x078000,
        last: 0x078FFF,
        country: Country {
            iso: "SO",
            name: "Somalia",
        },
    },
    Block {
        first: 0x07A000,
        last: 0x07A3FF,
        country: Country {
            iso: "SZ",
            name: "Eswatini",
        },
    },
    Block {
        first: 0x07C000,
        last: 0x07CFFF,
        country: Country {
            iso: "SD",
            name: "Sudan",
        },
    },
    Block {
        first: 0x080000,
        last: 0x080FFF,
        country: Country {
            iso: "TZ",
            name: "Tanzania",
        },
    },
    Block {
        first: 0x084000,
        last: 0x084FFF,
        country: Country {
            iso: "TD",
            name: "Chad",
        },
    },
    Block {
        first: 0x088000,
        last: 0x088FFF,
        country: Country {
            iso: "TG",
            name: "Togo",
        },
    },
    Block {
        first: 0x08A000,
        last: 0x08AFFF,
        country: Country {
            iso: "ZM",
            name: "Zambia",
        },
    },
    Block {
        first: 0x08C000,
        last: 0x08CFFF,
        country: Country {
            iso: "CD",
            name: "Democratic Republic of the Congo",
        },
    },
    Block {
        first: 0x090000,
        last: 0x090FFF,
        country: Country {
            iso: "AO",
            name: "Angola",
        },
    },
    Block {
        first: 0x094000,
        last: 0x0943FF,
        country: Country {
            iso: "BJ",
            name: "Benin",
        },
    },
    Block {
        first: 0x096000,
        last: 0x0963FF,
        country: Country {
            iso: "CV",
            name: "Cabo Verde",
        },
    },
    Block {
        first: 0x098000,
        last: 0x0983FF,
        country: Country {
            iso: "DJ",
            name: "Djibouti",
        },
    },
    Block {
        first: 0x09A000,
        last: 0x09AFFF,
        country: Country {
            iso: "GM",
            name: "Gambia",
        },
    },
    Block {
        first: 0x09C000,
        last: 0x09CFFF,
        country: Country {
            iso: "BF",
            name: "Burkina Faso",
        },
    },
    Block {
        first: 0x09E000,
        last: 0x09E3FF,
        country: Country {
            iso: "ST",
            name: "Sao Tome and Principe",
        },
    },
    Block {
        first: 0x0A0000,
        last: 0x0A7FFF,
        country: Country {
            iso: "DZ",
            name: "Algeria",
        },
    },
    Block {
        first: 0x0A8000,
        last: 0x0A8FFF,
        country: Country {
            iso: "BS",
            name: "Bahamas",
        },
    },
    Block {
        first: 0x0AA000,
        last: 0x0AA3FF,
        country: Country {
            iso: "BB",
            name: "Barbados",
        },
    },
    Block {
        first: 0x0AB000,
        last: 0x0AB3FF,
        country: Country {
            iso: "BZ",
            name: "Belize",
        },
    },
    Block {
        first: 0x0AC000,
        last: 0x0ACFFF,
        country: Country {
            iso: "CO",
            name: "Colombia",
        },
    },
    Block {
        first: 0x0AE000,
        last: 0x0AEFFF,
        country: Country {
            iso: "CR",
            name: "Costa Rica",
        },
    },
    Block {
        first: 0x0B0000,
        last: 0x0B0FFF,
        country: Country {
            iso: "CU",
            name: "Cuba",
        },
    },
    Block {
        first: 0x0B2000,
        last: 0x0B2FFF,
        country: Country {
            iso: "SV",
            name: "El Salvador",
        },
    },
    Block {
        first: 0x0B4000,
        last: 0x0B4FFF,
        country: Country {
            iso: "GT",
            name: "Guatemala",
        },
    },
    Block {
        first: 0x0B6000,
        last: 0x0B6FFF,
        country: Country {
            iso: "GY",
            name: "Guyana",
        },
    },
    Block {
        first: 0x0B8000,
        last: 0x0B8FFF,
        country: Country {
            iso: "HT",
            name: "Haiti",
        },
    },
    Block {
        first: 0x0BA000,
        last: 0x0BAFFF,
        country: Country {
            iso: "HN",
            name: "Honduras",
        },
    },
    Block {
        first: 0x0BC000,
        last: 0x0BC3FF,
        country: Country {
            iso: "VC",
            name: "Saint Vincent and the Grenadines",
        },
    },
    Block {
        first: 0x0BE000,
        last: 0x0BEFFF,
        country: Country {
            iso: "JM",
            name: "Jamaica",
        },
    },
    Block {
        first: 0x0C0000,
        last: 0x0C0FFF,
        country: Country {
            iso: "NI",
            name: "Nicaragua",
        },
    },
    Block {
        first: 0x0C2000,
        last: 0x0C2FFF,
        country: Country {
            iso: "PA",
            name: "Panama",
        },
    },
    Block {
        first: 0x0C4000,
        last: 0x0C4FFF,
        country: Country {
            iso: "DO",
            name: "Dominican Republic",
        },
    },
    Block {
        first: 0x0C6000,
        last: 0x0C6FFF,
        country: Country {
            iso: "TT",
            name: "Trinidad and Tobago",
        },
    },
    Block {
        first: 0x0C8000,
        last: 0x0C8FFF,
        country: Country {
            iso: "SR",
            name: "Suriname",
        },
    },
    Block {
        first: 0x0CA000,
        last: 0x0CA3FF,
        country: Country {
            iso: "AG",
            name: "Antigua and Barbuda",
        },
    },
    Block {
        first: 0x0CC000,
        last: 0x0CC3FF,
        country: Country {
            iso: "GD",
            name: "Grenada",
        },
    },
    Block {
        first: 0x0D0000,
        last: 0x0D7FFF,
        country: Country {
            iso: "MX",
            name: "Mexico",
        },
    },
    Block {
        first: 0x0D8000,
        last: 0x0DFFFF,
        country: Country {
            iso: "VE",
            name: "Venezuela",
        },
    },
    Block {
        first: 0x100000,
        last: 0x1FFFFF,
        country: Country {
            iso: "RU",
            name: "Russia",
        },
    },
    Block {
        first: 0x201000,
        last: 0x2013FF,
        country: Country {
            iso: "NA",
            name: "Namibia",
        },
    },
    Block {
        first: 0x202000,
        last: 0x2023FF,
        country: Country {
            iso: "ER",
            name: "Eritrea",
        },
    },
    Block {
        first: 0x300000,
        last: 0x33FFFF,
        country: Country {
            iso: "IT",
            name: "Italy",
        },
    },
    Block {
        first: 0x340000,
        last: 0x37FFFF,
        country: Country {
            iso: "ES",
            name: "Spain",
        },
    },
    Block {
        first: 0x380000,
        last: 0x3BFFFF,
        country: Country {
            iso: "FR",
            name: "France",
        },
    },
    Block {
        first: 0x3C0000,
        last: 0x3FFFFF,
        country: Country {
            iso: "DE",
            name: "Germany",
        },
    },
    Block {
        first: 0x400000,
        last: 0x43FFFF,
        country: Country {
            iso: "GB",
            name: "United Kingdom",
        },
    },
    Block {
        first: 0x440000,
        last: 0x447FFF,
        country: Country {
            iso: "AT",
            name: "Austria",
        },
    },
    Block {
        first: 0x448000,
        last: 0x44FFFF,
        country: Country {
            iso: "BE",
            name: "Belgium",
        },
    },
    Block {
        first: 0x450000,
        last: 0x457FFF,
        country: Country {
            iso: "BG",
            name: "Bulgaria",
        },
    },
    Block {
        first: 0x458000,
        last: 0x45FFFF,
        country: Country {
            iso: "DK",
            name: "Denmark",
        },
    },
    Block {
        first: 0x460000,
        last: 0x467FFF,
        country: Country {
            iso: "FI",
            name: "Finland",
        },
    },
    Block {
        first: 0x468000,
        last: 0x46FFFF,
        country: Country {
            iso: "GR",
            name: "Greece",
        },
    },
    Block {
        first: 0x470000,
        last: 0x477FFF,
        country: Country {
            iso: "HU",
            name: "Hungary",
        },
    },
    Block {
        first: 0x478000,
        last: 0x47FFFF,
        country: Country {
            iso: "NO",
            name: "Norway",
        },
    },
    Block {
        first: 0x480000,
        last: 0x487FFF,
        country: Country {
            iso: "NL",
            name: "Netherlands",
        },
    },
    Block {
        first: 0x488000,
        last: 0x48FFFF,
        country: Country {
            iso: "PL",
            name: "Poland",
        },
    },
    Block {
        first: 0x490000,
        last: 0x497FFF,
        country: Country {
            iso: "PT",
            name: "Portugal",
        },
    },
    Block {
        first: 0x498000,
        last: 0x49FFFF,
        country: Country {
            iso: "CZ",
            name: "Czechia",
        },
    },
    Block {
        first: 0x4A0000,
        last: 0x4A7FFF,
        country: Country {
            iso: "RO",
            name: "Romania",
        },
    },
    Block {
        first: 0x4A8000,
        last: 0x4AFFFF,
        country: Country {
            iso: "SE",
            name: "Sweden",
        },
    },
    Block {
        first: 0x4B0000,
        last: 0x4B7FFF,
        country: Country {
            iso: "CH",
            name: "Switzerland",
        },
    },
    Block {
        first: 0x4B8000,
        last: 0x4BFFFF,
        country: Country {
            iso: "TR",
            name: "Türkiye",
        },
    },
    Block {
        first: 0x4C0000,
        last: 0x4C7FFF,
        country: Country {
            iso: "RS",
            name: "Serbia",
        },
    },
    Block {
        first: 0x4C8000,
        last: 0x4C83FF,
        country: Country {
            iso: "CY",
            name: "Cyprus",
        },
    },
    Block {
        first: 0x4CA000,
        last: 0x4CAFFF,
        country: Country {
            iso: "IE",
            name: "Ireland",
        },
    },
    Block {
        first: 0x4CC000,
        last: 0x4CCFFF,
        country: Country {
            iso: "IS",
            name: "Iceland",
        },
    },
    Block {
        first: 0x4D0000,
        last: 0x4D03FF,
        country: Country {
            iso: "LU",
            name: "Luxembourg",
        },
    },
    Block {
        first: 0x4D2000,
        last: 0x4D23FF,
        country: Country {
            iso: "MT",
            name: "Malta",
        },
    },
    Block {
        first: 0x4D4000,
        last: 0x4D43FF,
        country: Country {
            iso: "MC",
            name: "Monaco",
        },
    },
    Block {
        first: 0x500000,
        last: 0x5003FF,
        country: Country {
            iso: "SM",
            name: "San Marino",
        },
    },
    Block {
        first: 0x501000,
        last: 0x5013FF,
        country: Country {
            iso: "AL",
            name: "Albania",
        },
    },
    Block {
        first: 0x501C00,
        last: 0x501FFF,
        country: Country {
            iso: "HR",
            name: "Croatia",
        },
    },
    Block {
        first: 0x502C00,
        last: 0x502FFF,
        country: Country {
            iso: "LV",
            name: "Latvia",
        },
    },
    Block {
        first: 0x503C00,
        last: 0x503FFF,
        country: Country {
            iso: "LT",
            name: "Lithuania",
        },
    },
    Block {
        first: 0x504C00,
        last: 0x504FFF,
        country: Country {
            iso: "MD",
            name: "Moldova",
        },
    },
    Block {
        first: 0x505C00,
        last: 0x505FFF,
        country: Country {
            iso: "SK",
            name: "Slovakia",
        },
    },
    Block {
        first: 0x506C00,
        last: 0x506FFF,
        country: Country {
            iso: "SI",
            name: "Slovenia",
        },
    },
    Block {
        first: 0x507C00,
        last: 0x507FFF,
        country: Country {
            iso: "UZ",
            name: "Uzbekistan",
        },
    },
    Block {
        first: 0x508000,
        last: 0x50FFFF,
        country: Country {
            iso: "UA",
            name: "Ukraine",
        },
    },
    Block {
        first: 0x510000,
        last: 0x5103FF,
        country: Country {
            iso: "BY",
            name: "Belarus",
        },
    },
    Block {
        first: 0x511000,
        last: 0x5113FF,
        country: Country {
            iso: "EE",
            name: "Estonia",
        },
    },
    Block {
        first: 0x512000,
        last: 0x5123FF,
        country: Country {
            iso: "MK",
            name: "North Macedonia",
        },
    },
    Block {
        first: 0x513000,
        last: 0x5133FF,
        country: Country {
            iso: "BA",
            name: "Bosnia and Herzegovina",
        },
    },
    Block {
        first: 0x514000,
        last: 0x5143FF,
        country: Country {
            iso: "GE",
            name: "Georgia",
        },
    },
    Block {
        first: 0x515000,
        last: 0x5153FF,
        country: Country {
            iso: "TJ",
            name: "Tajikistan",
        },
    },
    Block {
        first: 0x516000,
        last: 0x5163FF,
        country: Country {
            iso: "ME",
            name: "Montenegro",
        },
    },
    Block {
        first: 0x600000,
        last: 0x6003FF,
        country: Country {
            iso: "AM",
            name: "Armenia",
        },
    },
    Block {
        first: 0x600800,
        last: 0x600BFF,
        country: Country {
            iso: "AZ",
            name: "Azerbaijan",
        },
    },
    Block {
        first: 0x601000,
        last: 0x6013FF,
        country: Country {
            iso: "KG",
            name: "Kyrgyzstan",
        },
    },
    Block {
        first: 0x601800,
        last: 0x601BFF,
        country: Country {
            iso: "TM",
            name: "Turkmenistan",
        },
    },
    Block {
        first: 0x680000,
        last: 0x6803FF,
        country: Country {
            iso: "BT",
            name: "Bhutan",
        },
    },
    Block {
        first: 0x681000,
        last: 0x6813FF,
        country: Country {
            iso: "FM",
            name: "Micronesia",
        },
    },
    Block {
        first: 0x682000,
        last: 0x6823FF,
        country: Country {
            iso: "MN",
            name: "Mongolia",
        },
    },
    Block {
        first: 0x683000,
        last: 0x6833FF,
        country: Country {
            iso: "KZ",
            name: "Kazakhstan",
        },
    },
    Block {
        first: 0x684000,
        last: 0x6843FF,
        country: Country {
            iso: "PW",
            name: "Palau",
        },
    },
    Block {
        first: 0x700000,
        last: 0x700FFF,
        country: Country {
            iso: "AF",
            name: "Afghanistan",
        },
    },
    Block {
        first: 0x702000,
        last: 0x702FFF,
        country: Country {
            iso: "BD",
            name: "Bangladesh",
        },
    },
    Block {
        first: 0x704000,
        last: 0x704FFF,
        country: Country {
            iso: "MM",
            name: "Myanmar",
        },
    },
    Block {
        first: 0x706000,
        last: 0x706FFF,
        country: Country {
            iso: "KW",
            name: "Kuwait",
        },
    },
    Block {
        first: 0x708000,
        last: 0x708FFF,
        country: Country {
            iso: "LA",
            name: "Laos",
        },
    },
    Block {
        first: 0x70A000,
        last: 0x70AFFF,
        country: Country {
            iso: "NP",
            name: "Nepal",
        },
    },
    Block {
        first: 0x70C000,
        last: 0x70C3FF,
        country: Country {
            iso: "OM",
            name: "Oman",
        },
    },
    Block {
        first: 0x70E000,
        last: 0x70EFFF,
        country: Country {
            iso: "KH",
            name: "Cambodia",
        },
    },
    Block {
        first: 0x710000,
        last: 0x717FFF,
        country: Country {
            iso: "SA",
            name: "Saudi Arabia",
        },
    },
    Block {
        first: 0x718000,
        last: 0x71FFFF,
        country: Country {
            iso: "KR",
            name: "South Korea",
        },
    },
    Block {
        first: 0x720000,
        last: 0x727FFF,
        country: Country {
            iso: "KP",
            name: "North Korea",
        },
    },
    Block {
        first: 0x728000,
        last: 0x72FFFF,
        country: Country {
            iso: "IQ",
            name: "Iraq",
        },
    },
    Block {
        first: 0x730000,
        last: 0x737FFF,
        country: Country {
            iso: "IR",
            name: "Iran",
        },
    },
    Block {
        first: 0x738000,
        last: 0x73FFFF,
        country: Country {
            iso: "IL",
            name: "Israel",
        },
    },
    Block {
        first: 0x740000,
        last: 0x747FFF,
        country: Country {
            iso: "JO",
            name: "Jordan",
        },
    },
    Block {
        first: 0x748000,
        last: 0x74FFFF,
        country: Country {
            iso: "LB",
            name: "Lebanon",
        },
    },
    Block {
        first: 0x750000,
        last: 0x757FFF,
        country: Country {
            iso: "MY",
            name: "Malaysia",
        },
    },
    Block {
        first: 0x758000,
        last: 0x75FFFF,
        country: Country {
            iso: "PH",
            name: "Philippines",
        },
    },
    Block {
        first: 0x760000,
        last: 0x767FFF,
        country: Country {
            iso: "PK",
            name: "Pakistan",
        },
    },
    Block {
        first: 0x768000,
        last: 0x76FFFF,
        country: Country {
            iso: "SG",
            name: "Singapore",
        },
    },
    Block {
        first: 0x770000,
        last: 0x777FFF,
        country: Country {
            iso: "LK",
            name: "Sri Lanka",
        },
    },
    Block {
        first: 0x778000,
        last: 0x77FFFF,
        country: Country {
            iso: "SY",
            name: "Syria",
        },
    },
    Block {
        first: 0x780000,
        last: 0x7BFFFF,
        country: Country {
            iso: "CN",
            name: "China",
        },
    },
    Block {
        first: 0x7C0000,
        last: 0x7FFFFF,
        country: Country {
            iso: "AU",
            name: "Australia",
        },
    },
    Block {
        first: 0x800000,
        last: 0x83FFFF,
        country: Country {
            iso: "IN",
            name: "India",
        },
    },
    Block {
        first: 0x840000,
        last: 0x87FFFF,
        country: Country {
            iso: "JP",
            name: "Japan",
        },
    },
    Block {
        first: 0x880000,
        last: 0x887FFF,
        country: Country {
            iso: "TH",
            name: "Thailand",
        },
    },
    Block {
        first: 0x888000,
        last: 0x88FFFF,
        country: Country {
            iso: "VN",
            name: "Viet Nam",
        },
    },
    Block {
        first: 0x890000,
        last: 0x890FFF,
        country: Country {
            iso: "YE",
            name: "Yemen",
        },
    },
    Block {
        first: 0x894000,
        last: 0x894FFF,
        country: Country {
            iso: "BH",
            name: "Bahrain",
        },
    },
    Block {
        first: 0x895000,
        last: 0x8953FF,
        country: Country {
            iso: "BN",
            name: "Brunei",
        },
    },
    Block {
        first: 0x896000,
        last: 0x896FFF,
        country: Country {
            iso: "AE",
            name: "United Arab Emirates",
        },
    },
    Block {
        first: 0x897000,
        last: 0x8973FF,
        country: Country {
            iso: "SB",
            name: "Solomon Islands",
        },
    },
    Block {
        first: 0x898000,
        last: 0x898FFF,
        country: Country {
            iso: "PG",
            name: "Papua New Guinea",
        },
    },
    Block {
        first: 0x899000,
        last: 0x8993FF,
        country: Country {
            iso: "TW",
            name: "Taiwan",
        },
    },
    Block {
        first: 0x8A0000,
        last: 0x8A7FFF,
        country: Country {
            iso: "ID",
            name: "Indonesia",
        },
    },
    Block {
        first: 0x900000,
        last: 0x9003FF,
        country: Country {
            iso: "MH",
            name: "Marshall Islands",
        },
    },
    Block {
        first: 0x901000,
        last: 0x9013FF,
        country: Country {
            iso: "CK",
            name: "Cook Islands",
        },
    },
    Block {
        first: 0x902000,
        last: 0x9023FF,
        country: Country {
            iso: "WS",
            name: "Samoa",
        },
    },
    Block {
        first: 0xA00000,
        last: 0xAFFFFF,
        country: Country {
            iso: "US",
            name: "United States",
        },
    },
    Block {
        first: 0xC00000,
        last: 0xC3FFFF,
        country: Country {
            iso: "CA",
            name: "Canada",
        },
    },
    Block {
        first: 0xC80000,
        last: 0xC87FFF,
        country: Country {
            iso: "NZ",
            name: "New Zealand",
        },
    },
    Block {
        first: 0xC88000,
        last: 0xC88FFF,
        country: Country {
            iso: "FJ",
            name: "Fiji",
        },
    },
    Block {
        first: 0xC8A000,
        last: 0xC8A3FF,
        country: Country {
            iso: "NR",
            name: "Nauru",
        },
    },
    Block {
        first: 0xC8C000,
        last: 0xC8C3FF,
        country: Country {
            iso: "LC",
            name: "Saint Lucia",
        },
    },
    Block {
        first: 0xC8D000,
        last: 0xC8D3FF,
        country: Country {
            iso: "TO",
            name: "Tonga",
        },
    },
    Block {
        first: 0xC8E000,
        last: 0xC8E3FF,
        country: Country {
            iso: "KI",
            name: "Kiribati",
        },
    },
    Block {
        first: 0xC90000,
        last: 0xC903FF,
        country: Country {
            iso: "VU",
            name: "Vanuatu",
        },
    },
    Block {
        first: 0xE00000,
        last: 0xE3FFFF,
        country: Country {
            iso: "AR",
            name: "Argentina",
        },
    },
    Block {
        first: 0xE40000,
        last: 0xE7FFFF,
        country: Country {
            iso: "BR",
            name: "Brazil",
        },
    },
    Block {
        first: 0xE80000,
        last: 0xE80FFF,
        country: Country {
            iso: "CL",
            name: "Chile",
        },
    },
    Block {
        first: 0xE84000,
        last: 0xE84FFF,
        country: Country {
            iso: "EC",
            name: "Ecuador",
        },
    },
    Block {
        first: 0xE88000,
        last: 0xE88FFF,
        country: Country {
            iso: "PY",
            name: "Paraguay",
        },
    },
    Block {
        first: 0xE8C000,
        last: 0xE8CFFF,
        country: Country {
            iso: "PE",
            name: "Peru",
        },
    },
    Block {
        first: 0xE90000,
        last: 0xE90FFF,
        country: Country {
            iso: "UY",
            name: "Uruguay",
        },
    },
    Block {
        first: 0xE94000,
        last: 0xE94FFF,
        country: Country {
            iso: "BO",
            name: "Bolivia",
        },
    },
];

/// The block `icao` falls in, if it is allocated.
pub fn block(icao: u32) -> Option<&'static Block> {
    let after = BLOCKS.partition_point(|b| b.first <= icao);
    let candidate = BLOCKS.get(after.checked_sub(1)?)?;
    (icao <= candidate.last).then_some(candidate)
}

/// The state `icao` is allocated to.
pub fn country(icao: u32) -> Option<Country> {
    block(icao).map(|b| b.country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_ordered_and_disjoint_and_sized_as_icao_sizes_them() {
        for pair in BLOCKS.windows(2) {
            assert!(
                pair[0].last < pair[1].first,
                "{:?} overlaps {:?}",
                pair[0],
                pair[1]
            );
        }
        for b in BLOCKS {
            let size = b.last - b.first + 1;
            // Table 9-1 hands out blocks of 1024 addresses times a power of two, aligned.
            assert!(size.is_power_of_two() && size >= 1024, "{b:?}");
            assert_eq!(b.first % size, 0, "{b:?} is not aligned to its size");
        }
    }

    #[test]
    fn addresses_find_their_state_at_both_ends_of_a_block() {
        assert_eq!(country(0x3C0000).map(|c| c.iso), Some("DE"));
        assert_eq!(country(0x3FFFFF).map(|c| c.iso), Some("DE"));
        assert_eq!(country(0x400000).map(|c| c.iso), Some("GB"));
        assert_eq!(country(0xA835AF).map(|c| c.name), Some("United States"));
        assert_eq!(country(0x155FB6).map(|c| c.iso), Some("RU"));
        assert_eq!(country(0x000000), None);
        assert_eq!(country(0xF00000), None);
        assert_eq!(country(0xFFFFFF), None);
        // 501C00–501FFF is Croatia, the 1K next to it (501800) unallocated.
        assert_eq!(country(0x501C00).map(|c| c.iso), Some("HR"));
        assert_eq!(country(0x501800), None);
    }
}
