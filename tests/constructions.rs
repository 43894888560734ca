//! End-to-end tests of sentence constructions that the second held-out set (tests/heldout2)
//! showed were missed: each builds a short invented article with the real binary and checks
//! the entities and facts of its graph.ttl. The names are made up; none is in any article.

mod common;

use common::*;
use oxigraph::model::Term;

/// Build `text` as one article and parse its graph.
fn graph_of(text: &str) -> Graph {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("article.txt"), text).unwrap();
    let out = dir.path().join("out");
    let (ttl, _) = build(&[&input], &out, &[]);
    Graph::parse(&ttl, "graph.ttl")
}

/// The node of `class` labelled `label`; fails unless there is exactly one.
fn node(g: &Graph, class: &str, label: &str) -> String {
    let found: Vec<String> = g.instances(&att(class)).into_iter().filter(|n| g.literals(n, RDFS_LABEL).iter().any(|l| l == label)).collect();
    assert_eq!(found.len(), 1, "one {class} labelled {label:?}; the {class} labels are {:?}", labels(g, class));
    found.into_iter().next().unwrap()
}

fn labels(g: &Graph, class: &str) -> Vec<String> {
    g.instances(&att(class)).iter().flat_map(|n| g.literals(n, RDFS_LABEL)).collect()
}

/// Whether `subject` has `predicate` pointing at `object` (node strings as `instances` gives).
fn links(g: &Graph, subject: &str, predicate: &str, object: &str) -> bool {
    g.objects(subject, &att(predicate)).iter().any(|o| matches!(o, Term::NamedNode(n) if format!("<{}>", n.as_str()) == object))
}

#[test]
fn a_surname_after_a_rank_is_the_person_named_in_full_before() {
    let g = graph_of(
        "CHISINAU, 4 March 2025 (Moldpres) - Lt. Gen. Tamar Oduya Bengsson, the commander of the Moldovan Army, arrived in Romania on Monday.\n\n\
         Gen. Bengsson later told reporters that the talks had gone well.\n",
    );
    assert_eq!(labels(&g, "Person"), ["Tamar Oduya Bengsson"], "one person, not a second one called by the surname");
    let person = node(&g, "Person", "Tamar Oduya Bengsson");
    assert!(g.literals(&person, &att("rank")).contains(&"General".to_owned()), "the rank before the surname is hers too");
}

#[test]
fn a_unit_named_by_its_nation_or_its_parent_after_the_head() {
    let g = graph_of(
        "CHISINAU, 4 March 2025 (Moldpres) - The Ministry of Defence of Moldova said on Tuesday that Colonel Petru Albescu, \
         head of the General Staff of the Armed Forces of Moldova, had met his Romanian counterpart.\n",
    );
    let moldova = node(&g, "Country", "Moldova");
    let ministry = node(&g, "Unit", "Ministry of Defence of Moldova");
    assert!(links(&g, &ministry, "country", &moldova), "the nation after the head is the unit's country");
    let staff = node(&g, "Unit", "General Staff of the Armed Forces of Moldova");
    let armed_forces = node(&g, "Unit", "Armed Forces of Moldova");
    assert!(links(&g, &staff, "partOf", &armed_forces), "the unit after the head is its parent");
}

#[test]
fn an_agreement_named_after_its_head() {
    let g = graph_of(
        "CHISINAU, 4 March 2025 (Moldpres) - The ties have grown since the two presidents signed the Treaty on Good Neighbourly Relations in May 2021.\n",
    );
    let treaty = node(&g, "Agreement", "Treaty on Good Neighbourly Relations");
    assert_eq!(g.literals(&treaty, &att("date")), ["2021-05"]);
}

#[test]
fn a_ship_named_after_an_admiral_is_no_person() {
    let g = graph_of(
        "LIMA, 4 March 2025 (Andina) - Vice Admiral Rosa Quillabamba visited Chile on Monday. On Tuesday she sailed aboard the corvette \
         BAP Admiral Pendleworth and the training ship Gaviota Real.\n",
    );
    assert_eq!(labels(&g, "Person"), ["Rosa Quillabamba"]);
    assert_eq!(labels(&g, "City"), ["Lima"], "the dateline's city, and no ship's name");
}

#[test]
fn an_invitation_or_a_plan_to_visit_is_no_visit() {
    let g = graph_of(
        "LIMA, 4 March 2025 (Andina) - General Mateo Huarochiri visited Ecuador on Monday. He invited the Ecuadorian army commander \
         to visit Peru next year, and will visit Bolivia in June.\n",
    );
    assert_eq!(labels(&g, "Visit"), ["Mateo Huarochiri's visit to Ecuador"]);
}

#[test]
fn a_month_or_the_next_day_does_not_unmake_a_visit() {
    let g = graph_of(
        "LIMA, 4 March 2025 (Andina) - General Mateo Huarochiri visited Ecuador in January. During his May visit to Bolivia, \
         he met his counterpart. The next day he went on to visit Chile.\n",
    );
    assert_eq!(
        labels(&g, "Visit").into_iter().collect::<std::collections::BTreeSet<_>>(),
        ["Mateo Huarochiri's visit to Bolivia", "Mateo Huarochiri's visit to Chile", "Mateo Huarochiri's visit to Ecuador"].map(String::from).into(),
    );
}

#[test]
fn leading_a_delegation_somewhere_is_a_visit() {
    let g = graph_of(
        "LIMA, 4 March 2025 (Andina) - Border security was the theme of the week.\n\n\
         Earlier this year, Maj. Gen. Mateo Huarochiri led a Peruvian army team to Ecuador for staff talks.\n",
    );
    let visit = node(&g, "Visit", "Mateo Huarochiri's visit to Ecuador");
    assert_eq!(g.literals(&visit, &att("date")), ["2025"]);
}

#[test]
fn a_base_at_a_town_or_in_the_city_of_a_town_is_located_there() {
    let g = graph_of(
        "LIMA, 4 March 2025 (Andina) - General Mateo Huarochiri visited Ecuador on Monday. He toured the Condorcanqui Air Base at Tarapoa \
         and flew on to Jaramijo Naval Base, in the city of Puerto Quelal.\n",
    );
    let air_base = node(&g, "Base", "Condorcanqui Air Base");
    assert!(links(&g, &air_base, "locatedIn", &node(&g, "City", "Tarapoa")));
    let naval_base = node(&g, "Base", "Jaramijo Naval Base");
    assert!(links(&g, &naval_base, "locatedIn", &node(&g, "City", "Puerto Quelal")));
}
