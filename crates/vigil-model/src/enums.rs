//! Closed vocabularies: each enum has one canonical `snake_case` name that
//! files, the store and the API use, and `ALL` for listing in help and checks.

use crate::ParseError;

/// Defines a closed vocabulary: the enum, its canonical names, `ALL`,
/// `as_str`, `Display`, `FromStr` (case-insensitive, `-` and ` ` accepted for
/// `_`) and serde as the canonical string.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical name used in files, the store and the API.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The canonical names, comma-separated, for error messages and help.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                let key: String = s
                    .trim()
                    .chars()
                    .map(|c| match c { '-' | ' ' | '/' => '_', c => c.to_ascii_lowercase() })
                    .collect();
                match key.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ParseError::new($what, s, format!("one of {}", Self::names()))),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary! {
    /// What kind of outlet a source is; it informs how its reports are read
    /// (a militant official outlet asserting an attack is a claim).
    SourceKind, "source kind" {
        /// A group's own media arm, newsletter or spokesman.
        MilitantOfficial = "militant_official",
        /// Supporters' channels and forums: reposts, commentary.
        MilitantSupporter = "militant_supporter",
        /// News wires, newspapers, broadcasters.
        NewsMedia = "news_media",
        /// NGOs, think tanks, research institutes.
        NgoResearch = "ngo_research",
        /// Governments, armed forces, officials.
        Government = "government",
        /// Local monitoring groups and observatories.
        LocalMonitor = "local_monitor",
        /// Anything else, including unattributed files.
        Other = "other",
    }
}

vocabulary! {
    /// Source reliability on the Admiralty (NATO) scale, set by an analyst.
    Reliability, "reliability grade" {
        /// Completely reliable.
        A = "a",
        /// Usually reliable.
        B = "b",
        /// Fairly reliable.
        C = "c",
        /// Not usually reliable.
        D = "d",
        /// Unreliable.
        E = "e",
        /// Reliability cannot be judged.
        F = "f",
    }
}

impl Reliability {
    /// The grade as the single capital letter analysts write.
    pub fn letter(self) -> char {
        self.as_str()
            .chars()
            .next()
            .unwrap_or('F')
            .to_ascii_uppercase()
    }

    /// The scale's wording for the grade.
    pub fn meaning(self) -> &'static str {
        match self {
            Reliability::A => "completely reliable",
            Reliability::B => "usually reliable",
            Reliability::C => "fairly reliable",
            Reliability::D => "not usually reliable",
            Reliability::E => "unreliable",
            Reliability::F => "reliability cannot be judged",
        }
    }
}

vocabulary! {
    /// ACLED's six event types.
    EventType, "event type" {
        Battles = "battles",
        ExplosionsRemoteViolence = "explosions_remote_violence",
        ViolenceAgainstCivilians = "violence_against_civilians",
        Protests = "protests",
        Riots = "riots",
        StrategicDevelopments = "strategic_developments",
    }
}

vocabulary! {
    /// ACLED's 25 sub-event types.
    SubEventType, "sub-event type" {
        ArmedClash = "armed_clash",
        GovernmentRegainsTerritory = "government_regains_territory",
        NonStateActorOvertakesTerritory = "non_state_actor_overtakes_territory",
        ChemicalWeapon = "chemical_weapon",
        AirDroneStrike = "air_drone_strike",
        SuicideBomb = "suicide_bomb",
        ShellingArtilleryMissileAttack = "shelling_artillery_missile_attack",
        RemoteExplosiveLandmineIed = "remote_explosive_landmine_ied",
        Grenade = "grenade",
        SexualViolence = "sexual_violence",
        Attack = "attack",
        AbductionForcedDisappearance = "abduction_forced_disappearance",
        PeacefulProtest = "peaceful_protest",
        ProtestWithIntervention = "protest_with_intervention",
        ExcessiveForceAgainstProtesters = "excessive_force_against_protesters",
        ViolentDemonstration = "violent_demonstration",
        MobViolence = "mob_violence",
        Agreement = "agreement",
        Arrests = "arrests",
        ChangeToGroupActivity = "change_to_group_activity",
        DisruptedWeaponsUse = "disrupted_weapons_use",
        HeadquartersOrBaseEstablished = "headquarters_or_base_established",
        LootingPropertyDestruction = "looting_property_destruction",
        NonViolentTransferOfTerritory = "non_violent_transfer_of_territory",
        Other = "other",
    }
}

impl SubEventType {
    /// The ACLED event type this sub-event type belongs to.
    pub fn event_type(self) -> EventType {
        use SubEventType::*;
        match self {
            ArmedClash | GovernmentRegainsTerritory | NonStateActorOvertakesTerritory => {
                EventType::Battles
            }
            ChemicalWeapon
            | AirDroneStrike
            | SuicideBomb
            | ShellingArtilleryMissileAttack
            | RemoteExplosiveLandmineIed
            | Grenade => EventType::ExplosionsRemoteViolence,
            SexualViolence | Attack | AbductionForcedDisappearance => {
                EventType::ViolenceAgainstCivilians
            }
            PeacefulProtest | ProtestWithIntervention | ExcessiveForceAgainstProtesters => {
                EventType::Protests
            }
            ViolentDemonstration | MobViolence => EventType::Riots,
            Agreement
            | Arrests
            | ChangeToGroupActivity
            | DisruptedWeaponsUse
            | HeadquartersOrBaseEstablished
            | LootingPropertyDestruction
            | NonViolentTransferOfTerritory
            | Other => EventType::StrategicDevelopments,
        }
    }
}

vocabulary! {
    /// How an attack was carried out, where it applies.
    AttackMode, "attack mode" {
        ArmedAssault = "armed_assault",
        BombingIed = "bombing_ied",
        SuicideAttack = "suicide_attack",
        VehicleBomb = "vehicle_bomb",
        Assassination = "assassination",
        Kidnapping = "kidnapping",
        ShellingAirStrike = "shelling_air_strike",
        Arson = "arson",
        PrisonAttackEscape = "prison_attack_escape",
        Other = "other",
        Unknown = "unknown",
    }
}

vocabulary! {
    /// Who stands behind a report's account of an event.
    ClaimStatus, "claim status" {
        /// Asserted by the perpetrator or its media.
        Claimed = "claimed",
        /// Reported by a third party.
        Reported = "reported",
        /// Confirmed independently.
        Confirmed = "confirmed",
        /// Denied by a party to it.
        Denied = "denied",
    }
}

vocabulary! {
    /// An incident's standing once its reports are weighed together.
    IncidentStatus, "incident status" {
        /// Only the perpetrator's claim.
        ClaimOnly = "claim_only",
        /// Reported by third parties, no claim.
        Reported = "reported",
        /// A claim plus an independent report.
        Corroborated = "corroborated",
        /// Confirmed independently.
        Confirmed = "confirmed",
        /// Reports contradict each other or a party denies it.
        Disputed = "disputed",
    }
}

vocabulary! {
    /// How precisely a report's place is known (ACLED's geo-precision 1–3).
    GeoPrecision, "geo precision" {
        /// 1: the named town or village itself.
        Place = "place",
        /// 2: near a named place, or a part of a district.
        Near = "near",
        /// 3: only the province or region.
        Region = "region",
    }
}

impl GeoPrecision {
    /// ACLED's numeric code (1, 2 or 3).
    pub fn code(self) -> u8 {
        match self {
            GeoPrecision::Place => 1,
            GeoPrecision::Near => 2,
            GeoPrecision::Region => 3,
        }
    }
}

vocabulary! {
    /// How precisely a report's date is known.
    DatePrecision, "date precision" {
        Day = "day",
        Week = "week",
        Month = "month",
        Year = "year",
    }
}

vocabulary! {
    /// How a count was stated: "six" is exact, "at least 12" a floor,
    /// "nearly 800" approximate, "dozens" unknown beyond an order.
    CountExactness, "count exactness" {
        Exact = "exact",
        AtLeast = "at_least",
        AtMost = "at_most",
        About = "about",
        Unknown = "unknown",
    }
}

vocabulary! {
    /// The kind of a watched site.
    SiteKind, "site kind" {
        Prison = "prison",
        DetentionCamp = "detention_camp",
        Base = "base",
        RefugeeCamp = "refugee_camp",
        Other = "other",
    }
}

vocabulary! {
    /// What a weekly tally splits or filters incidents by.
    Dimension, "dimension" {
        /// The side that carried it out.
        Perpetrator = "perpetrator",
        /// The side it was carried out against.
        Target = "target",
        /// ACLED event type.
        EventType = "event_type",
        /// ACLED sub-event type.
        SubEventType = "sub_event_type",
        /// Attack mode.
        AttackMode = "attack_mode",
        /// Province (admin-1).
        Province = "province",
        /// Watched site.
        Site = "site",
        /// Incident status (claim only, corroborated, …).
        Status = "status",
        /// Kind of the sources that report it.
        SourceKind = "source_kind",
    }
}

vocabulary! {
    /// What a weekly tally counts.
    #[derive(Default)]
    Measure, "measure" {
        /// Incidents.
        #[default]
        Incidents = "incidents",
        /// Incidents a perpetrator claimed (claim only, or corroborated).
        Claims = "claims",
        /// People killed (the conservative count).
        Fatalities = "fatalities",
    }
}

vocabulary! {
    /// The first day of a tally's week: any day of the week, named in
    /// English (`monday` … `sunday`, any case). The analyst picks it: the
    /// week after an event that starts on a Wednesday is counted from that
    /// Wednesday.
    #[derive(Default)]
    WeekStart, "week start" {
        /// ISO weeks (the default).
        #[default]
        Monday = "monday",
        /// Tuesday to Monday.
        Tuesday = "tuesday",
        /// Wednesday to Tuesday.
        Wednesday = "wednesday",
        /// Thursday to Wednesday.
        Thursday = "thursday",
        /// Friday to Thursday.
        Friday = "friday",
        /// ACLED's weeks, Saturday to Friday.
        Saturday = "saturday",
        /// Sunday to Saturday.
        Sunday = "sunday",
    }
}

impl WeekStart {
    /// Days from Monday to this day: Monday 0, Tuesday 1, … Sunday 6.
    pub const fn days_from_monday(self) -> u32 {
        match self {
            WeekStart::Monday => 0,
            WeekStart::Tuesday => 1,
            WeekStart::Wednesday => 2,
            WeekStart::Thursday => 3,
            WeekStart::Friday => 4,
            WeekStart::Saturday => 5,
            WeekStart::Sunday => 6,
        }
    }

    /// The first day of the week holding `day`: `day` itself when it falls
    /// on this weekday, else the last such weekday before it.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use vigil_model::WeekStart;
    /// let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// // Wednesday 9 October 2019 starts a Wednesday week; Tuesday 15
    /// // October is still in it.
    /// assert_eq!(WeekStart::Wednesday.week_of(day("2019-10-15")), day("2019-10-09"));
    /// assert_eq!(WeekStart::Monday.week_of(day("2019-10-15")), day("2019-10-14"));
    /// ```
    pub fn week_of(self, day: chrono::NaiveDate) -> chrono::NaiveDate {
        use chrono::Datelike;
        let back = (day.weekday().num_days_from_monday() + 7 - self.days_from_monday()) % 7;
        day - chrono::Days::new(u64::from(back))
    }
}

vocabulary! {
    /// How a copy relates to the publication it repeats (README, "Copies
    /// and publications"). A copy never counts as an independent source.
    CopyKind, "copy kind" {
        /// Another source carrying the same normalized text: a repost or a
        /// wire re-running the story word for word.
        Exact = "exact",
        /// Another source carrying the text with only framing changed
        /// (hashtags, handles, links, emoji, punctuation, framing words
        /// such as "breaking" or "عاجل", function words).
        Repost = "repost",
        /// A forward (the document names the channel it was forwarded
        /// from) of a stored publication's text.
        Forward = "forward",
        /// Recorded before schema 0008 as a near-duplicate (word-shingle
        /// resemblance); its text was not kept, so it could not be judged
        /// again. Re-ingesting its file judges it by the current rule.
        Near = "near",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acled_has_six_types_and_twenty_five_sub_types() {
        assert_eq!(EventType::ALL.len(), 6);
        assert_eq!(SubEventType::ALL.len(), 25);
        for t in EventType::ALL {
            assert!(
                SubEventType::ALL.iter().any(|s| s.event_type() == *t),
                "{t} has no sub-type"
            );
        }
    }

    #[test]
    fn every_vocabulary_round_trips_through_its_name_and_serde() {
        fn check<T>(all: &[T])
        where
            T: Copy
                + PartialEq
                + std::fmt::Debug
                + std::fmt::Display
                + std::str::FromStr
                + serde::Serialize
                + serde::de::DeserializeOwned,
            <T as std::str::FromStr>::Err: std::fmt::Debug,
        {
            for v in all {
                assert_eq!(v.to_string().parse::<T>().unwrap(), *v);
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v);
            }
        }
        check(SourceKind::ALL);
        check(Reliability::ALL);
        check(EventType::ALL);
        check(SubEventType::ALL);
        check(AttackMode::ALL);
        check(ClaimStatus::ALL);
        check(IncidentStatus::ALL);
        check(GeoPrecision::ALL);
        check(DatePrecision::ALL);
        check(CountExactness::ALL);
        check(SiteKind::ALL);
        check(CopyKind::ALL);
        check(Dimension::ALL);
        check(Measure::ALL);
        check(WeekStart::ALL);
    }

    #[test]
    fn any_weekday_starts_the_week_and_parses_in_any_case() {
        use chrono::{Datelike, NaiveDate};
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        // (week start as typed, a day, the first day of its week). The days
        // run from Monday 30 December 2019 back across the year's end and
        // from Wednesday 9 October 2019 (the week of the invasion) across
        // the end of October.
        let rows: &[(&str, &str, &str)] = &[
            ("monday", "2019-10-09", "2019-10-07"),
            ("Monday", "2019-10-07", "2019-10-07"),
            ("tuesday", "2019-10-09", "2019-10-08"),
            ("TUESDAY", "2019-10-07", "2019-10-01"),
            ("wednesday", "2019-10-09", "2019-10-09"),
            ("Wednesday", "2019-10-15", "2019-10-09"),
            ("wednesday", "2019-10-16", "2019-10-16"),
            // A Wednesday week across the end of a month…
            ("wednesday", "2019-10-29", "2019-10-23"),
            ("wednesday", "2019-11-01", "2019-10-30"),
            ("wednesday", "2019-11-05", "2019-10-30"),
            // …and of a year.
            ("wednesday", "2019-12-31", "2019-12-25"),
            ("wednesday", "2020-01-01", "2020-01-01"),
            ("wednesday", "2020-01-07", "2020-01-01"),
            ("wednesday", "2019-01-01", "2018-12-26"),
            ("thursday", "2019-10-09", "2019-10-03"),
            ("thursday", "2019-10-10", "2019-10-10"),
            ("friday", "2019-10-09", "2019-10-04"),
            ("friday", "2020-01-02", "2019-12-27"),
            ("saturday", "2019-10-09", "2019-10-05"),
            ("saturday", "2019-10-05", "2019-10-05"),
            ("sunday", "2019-10-09", "2019-10-06"),
            ("sunday", "2020-01-04", "2019-12-29"),
            ("Sunday", "2019-12-29", "2019-12-29"),
        ];
        for (typed, d, want) in rows {
            let ws: WeekStart = typed.parse().unwrap();
            let got = ws.week_of(day(d));
            assert_eq!(got, day(want), "{typed} week of {d}");
            assert_eq!(
                got.weekday().num_days_from_monday(),
                ws.days_from_monday(),
                "{typed}"
            );
        }
        // Every day of a fortnight lands in a week that starts on the day
        // chosen, no more than six days before it.
        for ws in WeekStart::ALL {
            for n in 0..14 {
                let d = day("2019-12-25") + chrono::Days::new(n);
                let w = ws.week_of(d);
                assert!((0..7).contains(&(d - w).num_days()), "{ws} {d}");
                assert_eq!(w.weekday().num_days_from_monday(), ws.days_from_monday());
            }
        }
        assert_eq!(WeekStart::default(), WeekStart::Monday);
        assert_eq!(WeekStart::ALL.len(), 7);
        let err = "mon".parse::<WeekStart>().unwrap_err().to_string();
        assert!(err.contains("wednesday"), "{err}");
    }

    #[test]
    fn parsing_is_forgiving_about_case_and_separators_but_names_the_choices() {
        assert_eq!(
            "Militant Official".parse::<SourceKind>().unwrap(),
            SourceKind::MilitantOfficial
        );
        assert_eq!(
            "Air/drone strike".parse::<SubEventType>().unwrap(),
            SubEventType::AirDroneStrike
        );
        let err = "rumour".parse::<SourceKind>().unwrap_err();
        assert!(err.to_string().contains("militant_official"), "{err}");
        assert_eq!(Reliability::C.letter(), 'C');
    }
}
