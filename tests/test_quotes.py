"""Contract of newslens.quotes on tiny hand-made paragraphs, and agreement with the hand-coded reference."""
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from newslens.corpus import CorpusError
from newslens.quotes import (
    QuoteError,
    _ends_sentence,
    _last_capital_word,
    exclusive_speakers,
    extract_quotes,
    find_quote_spans,
    load_speakers,
    match_quotes,
    quote_summary,
    share_of_voice,
)

ROOT = Path(__file__).resolve().parents[1]

BOOK = {
    "speaker_types": ["accuser", "accused_side", "alibaba", "police_prosecutors", "state_media_government", "activist",
                      "expert", "public", "other"],
    "actors": [
        {"name": "the accuser", "type": "accuser", "gender": "female", "aliases": ["the woman", "the employee"]},
        {"name": "Lu Pin", "type": "activist", "gender": "female", "aliases": ["Lü Pin", "Lu"]},
        {"name": "Acme", "type": "alibaba", "gender": "none", "aliases": ["the company"]},
        {"name": "Daniel Zhang", "type": "alibaba", "gender": "male", "aliases": ["Zhang"]},
        {"name": "police", "type": "police_prosecutors", "gender": "none", "aliases": ["the police"]},
        {"name": "netizens", "type": "public", "gender": "none", "aliases": ["Internet users"]},
        {"name": "Wang", "type": "accused_side", "gender": "male", "aliases": ["her manager"]},
    ],
    "roles": [{"type": "activist", "cues": ["activist"]}, {"type": "expert", "cues": ["lawyer", "professor"]},
              {"type": "public", "cues": ["year-old"]}],
    "not_speakers": ["The", "In", "On", "China", "Beijing", "Professor", "Mr"],
    "titles": ["Professor", "Mr."],
    "speech_verbs": ["said", "says", "wrote", "told", "asked", "according to", "calling", "recalled", "remembered"],
}


def lines(*paragraphs, article="a"):
    return pd.DataFrame({"article": article, "line": range(1, 2 * len(paragraphs), 2), "text": list(paragraphs),
                         "label": "body", "voice": "own", "quoted_outlet": ""})


def run(*paragraphs):
    return extract_quotes(lines(*paragraphs), BOOK)


def test_spans_curly_straight_and_open_end():
    assert find_quote_spans('He said "yes" and “no”.') == [(9, 12, True), (19, 21, True)]
    text = "“We go on."
    assert find_quote_spans(text) == [(1, len(text), False)]
    assert find_quote_spans("It’s Lu’s view.") == []


def test_post_attribution_with_unknown_name_and_role():
    q = run("“The law is weak,” said Ma Li, a lawyer in Beijing.")
    assert q[["quote", "speaker", "speaker_type", "kind"]].values.tolist() == [["The law is weak,", "Ma Li", "expert", "full"]]
    assert q["evidence"].iloc[0].startswith("“The law is weak,”")


def test_straight_marks_and_speaker_before_verb_with_alias():
    q = run('"We will act," Zhang wrote in a memo.')
    assert q[["speaker", "speaker_type"]].values.tolist() == [["Daniel Zhang", "alibaba"]]


def test_pre_attribution_told_and_continuation():
    q = run("She alleges that her manager told her: “Stay quiet. It is small.” Both left.",
            "“Never again,” the woman wrote. “I trusted you.”")
    assert q["speaker"].tolist() == ["Wang", "the accuser", "the accuser"]
    assert q["kind"].tolist() == ["full", "full", "full"]


def test_pronoun_resolves_to_nearest_named_person():
    q = run("The woman says she was pressured.", "“I could not refuse,” she wrote.")
    assert q["speaker"].tolist() == ["the accuser"]
    q = run("“It marks progress,” said Lu Pin, an activist.", "“Again,” she said, “we will see.”")
    assert q["speaker"].tolist() == ["Lu Pin", "Lu Pin", "Lu Pin"]


def test_recalled_words_belong_to_the_person_recalled():
    q = run("“Drink up,” the employee recalled her manager telling the clients. “Be nice,” she remembered him saying.")
    assert q["speaker"].tolist() == ["Wang", "Wang"]


def test_question_mark_then_attribution():
    q = run("“How can it work?” Professor Chen Wu, a sociologist, asked the paper.")
    assert q[["speaker", "speaker_type"]].values.tolist() == [["Chen Wu", "expert"]]


def test_partial_quotes_kept_when_attributed_scare_quotes_dropped():
    q = run("The police said the claim was “groundless” and “late.”",
            "Critics see a “rape culture” in tech.",
            'Ads use phrases such as "men only."')
    assert q[["quote", "speaker", "kind"]].values.tolist() == [["groundless", "police", "partial"], ["late.", "police", "partial"]]


def test_calling_and_according_to():
    q = run("With netizens calling her a “liar,” the case grew.", "“It is fine,” according to the company.")
    assert q["speaker"].tolist() == ["netizens", "Acme"]


def test_multi_paragraph_quote_has_one_speaker():
    q = run("Lu Pin, an activist, said: “We will not stop here.", "“Women speak out together.”")
    assert q[["line", "quote", "speaker"]].values.tolist() == [
        [1, "We will not stop here.", "Lu Pin"], [3, "Women speak out together.", "Lu Pin"]]


def test_unattributed_full_quote_is_kept_and_marked():
    q = run("“This is a full sentence.”")
    assert q[["speaker", "speaker_type"]].values.tolist() == [["unattributed", "other"]]


def test_sentence_table_input_gives_the_same_quotes():
    table = pd.DataFrame({"article": "a", "line": [1, 1], "sentence": [1, 2],
                          "text": ["“It is hard,” said Lu Pin.", "“Very hard.”"]})
    q = extract_quotes(table, BOOK)
    assert q["quote"].tolist() == ["It is hard,", "Very hard."] and set(q["speaker"]) == {"Lu Pin"}


def test_bad_inputs_raise_with_a_message():
    with pytest.raises(QuoteError, match="missing \\['text'\\]"):
        extract_quotes(pd.DataFrame({"article": ["a"], "line": [1]}), BOOK)
    with pytest.raises(QuoteError, match="actor 'X' has type 'boss'"):
        load_speakers({**BOOK, "actors": [{"name": "X", "type": "boss"}]})
    with pytest.raises(QuoteError, match="missing key 'roles'"):
        load_speakers({k: v for k, v in BOOK.items() if k != "roles"})
    with pytest.raises(QuoteError, match="share_of_voice needs"):
        share_of_voice(pd.DataFrame({"article": ["a"]}))


def test_share_of_voice_and_exclusive_speakers():
    q = pd.DataFrame({"article": ["a", "a", "b"], "quote": ["one two three", "four", "five six"],
                      "speaker": ["X", "Y", "X"], "speaker_type": ["expert", "public", "expert"]})
    s = share_of_voice(q)
    assert s[["article", "speaker_type", "words", "share"]].values.tolist() == [
        ["a", "expert", 3, 75.0], ["a", "public", 1, 25.0], ["b", "expert", 2, 100.0]]
    e = exclusive_speakers(q)
    assert e[["speaker", "article", "words"]].values.tolist() == [["Y", "a", 1]]


def test_match_quotes_counts_extra_and_missed():
    ref = pd.DataFrame({"article": ["a", "a"], "line": [1, 2], "quote": ["Hello,", "x"], "speaker": ["A", "B"],
                        "speaker_type": ["public", "public"], "kind": ["full", "partial"]})
    found = pd.DataFrame({"article": ["a", "a"], "line": [1, 3], "quote": ["hello", "y"], "speaker": ["A", "C"],
                          "speaker_type": ["public", "other"], "kind": ["full", "full"]})
    assert match_quotes(found, ref)["status"].tolist() == ["match", "missed", "extra"]


def test_agreement_with_hand_coded_reference():
    """Reference: data/reference/quotes.csv, listed by reading the captures before the rules were written."""
    from newslens.corpus import load_corpus

    corpus = load_corpus(ROOT / "data")
    found = extract_quotes(corpus.lines, data_dir=ROOT / "data")
    ref = pd.read_csv(ROOT / "data" / "reference" / "quotes.csv")
    m = match_quotes(found, ref)
    hits = m[m["status"] == "match"]
    precision, recall = len(hits) / len(found), len(hits) / len(ref)
    type_accuracy = (hits["speaker_type_found"] == hits["speaker_type_ref"]).mean()
    assert precision >= 0.9 and recall >= 0.9, m[m["status"] != "match"]
    assert type_accuracy >= 0.85


def test_export_table_has_the_documented_columns():
    from newslens.export import TABLES
    from newslens.study import Study

    table = TABLES["quotes"][0](Study.open(ROOT / "data"))
    assert table.columns.tolist() == ["article", "line", "quote", "speaker", "speaker_type", "kind"]
    assert set(table["kind"]) <= {"full", "partial"} and len(table) > 0


def test_quote_summary_counts_per_article_with_zeros():
    q = pd.DataFrame({"article": ["a", "a"], "quote": ["one two", "three"], "speaker": ["X", "the accuser"],
                      "speaker_type": ["expert", "accuser"], "kind": ["full", "partial"]})
    arts = pd.DataFrame(index=pd.Index(["b", "a"], name="article"))
    s = quote_summary(q, arts, focus=["accuser"])
    assert s.index.tolist() == ["b", "a"]
    assert s.loc["a"].tolist() == [2, 1, 1, 3, 2, 1, 1] and s.loc["b"].sum() == 0
    assert s.columns[-2:].tolist() == ["focus_quotes", "focus_words"]
    none = quote_summary(q, arts)  # no focus: the two columns are zero
    assert none[["focus_quotes", "focus_words"]].to_numpy().sum() == 0 and none.loc["a", "quotes"] == 2


def _who(*paragraphs):
    return run(*paragraphs)[["quote", "speaker", "speaker_type", "kind"]].values.tolist()


def test_gerund_participle_and_possessor():
    assert _who("Lu Pin spoke on Monday, saying: “We are done.”")[0][1] == "Lu Pin"  # "saying" from "says"
    assert _who("Lu Pin’s friend, Ann Wells, responded, stating, “It is wrong.”")[0][1] == "Ann Wells"


def test_initials_do_not_end_the_attribution_and_bodies_speak_through_statements():
    assert _who("“We won,” U.S. lawyer Ann Wells said.")[0][1:3] == ["Ann Wells", "expert"]
    assert _who("The company issued a statement.", "“We are sorry,” the statement said.")[0][1] == "Acme"
    assert _who("“It is over,” the lawyer said.")[0][1:3] == ["the lawyer", "expert"]


def test_pronoun_prefers_a_named_person_and_surname_gets_the_full_name():
    assert _who("Ann Wells criticised the plan before American courts. She said, “It fails.”")[0][1] == "Ann Wells"
    assert _who("Ann Wells, a lawyer, spoke on Monday.", "“It is over,” Wells said.")[0][1:3] == ["Ann Wells", "expert"]


def test_attribution_in_the_next_sentence_or_the_previous_paragraph():
    assert _who("“We will appeal.” Ann Wells said so on Monday.")[0][1] == "Ann Wells"
    assert _who("Lu Pin wrote about it on Monday.", "“We go on.”")[0][1] == "Lu Pin"


def test_embedded_post_and_block_quotes_without_marks():
    assert _who("We won today! — Lu Pin (@lupin) July 27, 2021") == [["We won today!", "Lu Pin", "activist", "full"]]
    q = _who("Explaining the ban, Lu Pin wrote:", "We will not stop and they know it.")
    assert q == [["We will not stop and they know it.", "Lu Pin", "activist", "full"]]
    q = _who("“We go on,” Lu Pin wrote.", "I have seen this before and it ends soon.", "“It is hard.”")
    assert [r[1] for r in q] == ["Lu Pin"] * 3 and q[1][0] == "I have seen this before and it ends soon."


def test_names_in_marks_are_not_quotes():
    assert _who("The ship “Ever Given” was stuck, Lu Pin said.") == []


def test_speech_verb_the_codebook_does_not_list_after_the_subject():
    # "admitted", "mentioned" are not in the codebook's verbs: the subject right after the quote still speaks
    assert _who("“It was hard,” Lu Pin admitted.")[0][1] == "Lu Pin"
    assert _who("“We respect it,” defence lawyer Ann Wells mentioned in a statement.")[0][1:3] == ["Ann Wells", "expert"]
    # a past-tense word that is no speech verb in that place ("... Ann Wells arrived later") is no attribution
    assert _who("“It was hard.” Then Ann Wells walked home.")[0][1] == "unattributed"


def test_a_quote_that_ends_in_an_inner_single_mark_and_editors_brackets():
    q = _who("“I was like, ‘I think we should go,’” she said, per the paper. “[We’re] people too.”")
    assert [r[3] for r in q] == ["full", "full"]  # "[We’re]" opens a sentence: full, kept with the same speaker
    assert _who("Lu Pin spoke. “I was like, ‘no,’” she said.")[0][1] == "Lu Pin"


def test_attribution_that_closes_the_reporters_sentence():
    q = _who("Engineers “partly freed” the ship on Monday, professors said, without details.")
    assert q == [["partly freed", "professors", "expert", "partial"]]  # a bare plural role noun
    q = _who("The ruling is a “warning” to others, the lawyer for the family said on Friday.")
    assert q[0][1:3] == ["the lawyer", "expert"]
    assert _who("The “dark money” went abroad, and the case goes on.") == []  # no attribution: a term


def test_role_type_comes_from_the_head_noun_of_the_description():
    # "activist" is a cue too, but the head noun of "the activist lawyer" is "lawyer"
    assert _who("“We appeal,” the activist lawyer said.")[0][1:3] == ["the activist lawyer", "expert"]


def test_introduction_with_a_semicolon_and_a_statement_attributed_to_someone():
    assert _who("Here is a statement from Lu Pin on the ruling; “We will go on.”")[0][1:4] == ["Lu Pin", "activist", "full"]
    q = _who("A statement by the company, attributed to chief executive Daniel Zhang, said the move “was needed.”")
    assert q[0][1] == "Daniel Zhang"


def test_a_person_described_by_age_is_the_person_named_before():
    q = _who("Lu Pin left early. The 24-year-old activist said she would “take it one day at a time.”")
    assert q[0][1:3] == ["Lu Pin", "activist"]


def test_a_cut_off_quote_takes_the_introduction_of_the_previous_paragraph():
    q = _who("Ann Wells discussed the case on radio and said it mattered.", "“The easiest way to say this is that we nee")
    assert q == [["The easiest way to say this is that we nee", "Ann Wells", "other", "full"]]


def test_dotted_initials_are_part_of_a_title_not_a_name():
    assert _who("“We have no patience for it,” said Manhattan U.S. Attorney Daniel Zhang.")[0][1] == "Daniel Zhang"


# The string helpers answer exactly what the end-anchored regexes they replace would (those are quadratic in a
# long paragraph, since each mention asks them about the paragraph up to that mention).
_ENDS = re.compile(r"(^|[.?!:][\"”’)\]]*)\s*$")
_CAPITAL = re.compile(r"([A-Z][\w'-]+)\s+$")
_ALPHABET = ["a", "B", "Z", "x", "1", "_", "'", "-", ".", "?", "!", ":", '"', "”", "’", ")", "]", " ", "\n", "\t", "\xa0",
             "é", "É", ",", "(", "“"]


def _random_strings(n: int, seed: int = 7):
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 9)))


def test_string_helpers_agree_with_the_regexes():
    for s in _random_strings(30_000):
        assert _ends_sentence(s) == (_ENDS.search(s) is not None), repr(s)
        m = _CAPITAL.search(s)
        assert _last_capital_word(s) == ((m.start(1), m.group(1)) if m else None), repr(s)


def test_string_helpers_on_examples():
    assert _ends_sentence("") and _ends_sentence("He left.” ") and not _ends_sentence("He said")
    assert _last_capital_word("said Viola ") == (5, "Viola") and _last_capital_word("said Viola") is None


def test_sentences_of_a_paragraph_come_from_the_one_splitter():
    # "U.S." and "Mr." end no sentence inside the attribution; the quote's own stop does
    assert _who("“We won.” U.S. lawyer Ann Wells said so. Mr. Zhang agreed.")[0][1] == "Ann Wells"


def test_speaker_type_from_the_words_attached_to_the_name():
    # a relative clause is no description of the speaker: its role words ("lawyer") do not type her
    assert _who("“We lost,” said Ann Wells, who met a lawyer on Monday.")[0][1:3] == ["Ann Wells", "other"]
    # a body of the codebook attached to the name gives the body's type
    assert _who("“We lost,” said Ann Wells, a spokeswoman for Acme.")[0][1:3] == ["Ann Wells", "alibaba"]
    assert _who("“We lost,” said Ann Wells, a lawyer in Beijing.")[0][1:3] == ["Ann Wells", "expert"]


def test_inline_markers_come_from_the_furniture_codebook(tmp_path):
    (tmp_path / "codebook").mkdir()
    (tmp_path / "codebook" / "furniture.yml").write_text("inline_markers:\n  - '\\[Via\\]'\n", encoding="utf-8")
    para = "“We go [Via] on,” Lu Pin said. “It is [Source] hard.”"
    q = extract_quotes(lines(para), BOOK, data_dir=tmp_path)
    # the codebook's marker is taken out; a marker this codebook does not list stays
    assert q["quote"].tolist() == ["We go on,", "It is [Source] hard."]
    with pytest.raises(CorpusError, match="nowhere: data folder does not exist"):
        extract_quotes(lines(para), BOOK, data_dir=tmp_path / "nowhere")


def test_speaker_type_names_use_the_codebook_labels_else_the_type_in_words():
    from newslens.quotes import speaker_type_names

    book = {"speaker_types": ["city_council", "firm", "other"], "speaker_type_labels": {"firm": "the company"}}
    assert speaker_type_names(book) == {"city_council": "city council", "firm": "the company", "other": "other"}


# A codebook that lists nobody: every speaker below must be found from the text (names, role words, bodies).
UNLISTED = {"speaker_types": ["government", "organisation", "media", "other"], "actors": [],
            "roles": [{"type": "government", "cues": ["minister", "ministry"]},
                      {"type": "organisation", "cues": ["chief executive", "ceo", "company", "firm", "founder"]}],
            "not_speakers": ["The", "On", "In"], "titles": ["Mr."], "speech_verbs": ["said", "says", "added", "wrote"]}


def _unlisted(*paragraphs):
    return extract_quotes(lines(*paragraphs), UNLISTED)[["quote", "speaker", "speaker_type"]].values.tolist()


def test_a_name_after_role_words_is_the_name():
    assert _unlisted("Roadco CEO Jane Roe said: “We are sorry.”")[0][1:] == ["Jane Roe", "organisation"]
    # a body's own name may end in a role word: it is kept whole
    assert _unlisted("“It is open,” Northern Roads Company said.")[0][1] == "Northern Roads Company"


def test_a_surname_is_the_person_named_in_full_even_at_a_sentence_start():
    got = _unlisted("Jane Roe, the founder of Roadco, apologised on Friday.",
                    "Speaking on Radio Nord Today, Roe said: “We fixed it.”", "“We are back,” he added.")
    assert [s for _, s, _ in got] == ["Jane Roe", "Jane Roe"]
    # without the full name earlier, the surname is not taken for anybody
    assert _unlisted("“We fixed it,” said Radio Nord.")[0][1] == "Radio Nord"


def test_a_speaker_takes_the_type_of_another_mention_in_the_article():
    got = _unlisted("Roadco named chief executive Jane Roe in May.", "“It was time,” Jane Roe said.")
    assert got[0][1:] == ["Jane Roe", "organisation"]
    assert _unlisted("“It was time,” Jane Roe said.")[0][2] == "other"  # no role words anywhere: no type


def test_the_company_and_the_ministry_are_the_bodies_the_article_introduced():
    got = _unlisted("Cybersecurity firm Roadsoft shipped a faulty update.", "“This was not an attack,” the company said.")
    assert got[0][1:] == ["Roadsoft", "organisation"]
    got = _unlisted("The Ministry of Roads and Bridges issued a statement on Friday.", "“The road is open,” the ministry said.")
    assert got[0][1:] == ["Ministry of Roads and Bridges", "government"]
    # no body introduced with the noun: nobody is guessed
    assert _unlisted("Roadsoft shipped an update.", "“This was not an attack,” the company said.")[0][1] != "Roadsoft"


def test_a_name_may_start_with_digits():
    assert _unlisted("Genetics company 7Gen filed on Sunday.", "“We will sell,” the company said.")[0][1] == "7Gen"


def test_the_holder_of_a_role_at_a_body_speaks_and_is_the_person_named_with_that_role():
    # "the CEO of Roadco" is the CEO, and the article names Roadco's CEO once: Jane Roe
    got = _unlisted("Roadco CEO Jane Roe apologised.", "The CEO of Roadco said that they were “working with customers.”")
    assert got[0][1:] == ["Jane Roe", "organisation"]
    # two people fit the role word: the description stays
    got = _unlisted("Roadco CEO Jane Roe and Bridgeco CEO John Doe met.", "The CEO said that they were “working hard.”")
    assert got[0][1].lower() == "the ceo"
    # the role word must be the description's head noun, and a body named with it must be named with the person
    got = _unlisted("Roadco CEO Jane Roe apologised.", "The CEO of Bridgeco said that they were “working with customers.”")
    assert got[0][1] == "The CEO of Bridgeco"


def test_a_body_introduced_by_what_it_is():
    got = _unlisted("Founded in 1990, Roadsoft is a global software firm.", "“We fixed it,” the company said.")
    assert got[0][1:] == ["Roadsoft", "organisation"]


def test_a_body_named_by_its_initials_is_named_in_full():
    got = _unlisted("The Federal Roads Ministry opened an inquiry.", "“This cannot happen again,” the FRM said.")
    assert got[0][1:] == ["Federal Roads Ministry", "government"]
    # cut short by an "and" inside a name printed with its initials
    got = _unlisted("The road is closed, “until further notice,” the Roads and Bridges Ministry (RBM) said.")
    assert got[0][1] == "Roads and Bridges Ministry"
    # initials nobody spelt out stay as printed
    assert _unlisted("“This cannot happen again,” the FRM said.")[0][1] == "FRM"


def test_a_pronoun_does_not_stand_for_the_one_a_role_serves():
    got = _unlisted("The filing, according to Jane Roe, an attorney for John Doe, was a “misdirection,” he claimed.")
    assert got[0][1] == "Jane Roe"  # the nearest name, John Doe, is the client the attorney speaks for
    got = _unlisted("The filing, according to Jane Roe, who met John Doe, was a “misdirection,” he claimed.")
    assert got[0][1] == "John Doe"  # without the role, the nearest name is still taken


def test_partial_quotes_in_parallel_clauses_belong_to_their_own_subjects():
    got = _unlisted("Northern Roads blamed a “major technical outage,” while Bridge Works said its “website is down.”")
    assert got == [["major technical outage,", "Northern Roads", "other"], ["website is down.", "Bridge Works", "other"]]
    # without another clause, the attribution after the closing mark holds
    got = _unlisted("Northern Roads blamed a “major technical outage,” Bridge Works said.")
    assert got[0][1] == "Bridge Works"


def test_a_place_based_prefix_is_not_part_of_the_name_and_a_role_taken_or_left_is_attached():
    assert _unlisted("New Town-based Roadco Holdings said it planned “a sale of all assets.”")[0][1] == "Roadco Holdings"
    got = _unlisted("Jane Roe is resigning as CEO. John Doe joins the board.", "The former CEO said it was “a hard year.”")
    assert got[0][1] == "Jane Roe"


def test_a_role_word_inside_a_longer_one_of_another_type_gives_way():
    book = {**UNLISTED, "roles": [{"type": "government", "cues": ["agency"]}, {"type": "media", "cues": ["news agency"]}]}
    got = extract_quotes(lines("“Roads are open,” said Jane Roe, a news agency reporter."), book)
    assert got["speaker_type"].tolist() == ["media"]
    got = extract_quotes(lines("“Roads are open,” said Jane Roe, a roads agency official."), book)
    assert got["speaker_type"].tolist() == ["government"]


def test_a_prepositional_phrase_after_a_name_is_not_its_appositive():
    got = _unlisted("Jane Roe, in a letter to the minister, said the road “was never closed.”")
    assert got[0][1:] == ["Jane Roe", "other"]  # "minister" is whom she wrote to, not what she is
    got = _unlisted("Jane Roe, a minister, said the road “was never closed.”")
    assert got[0][1:] == ["Jane Roe", "government"]


def test_a_sentence_that_opens_with_a_body_or_a_description_has_it_for_subject():
    got = _unlisted("The Ministry of Roads issued a statement.",
                    "The ministry thanked the Bridge Works Company, saying it had “absolute confidence in its engineers.”")
    assert got[0][1:] == ["Ministry of Roads", "government"]
    got = _unlisted("The minister thanked Jane Roe, saying it was “a fine bridge.”")
    assert got[0][1:] == ["The minister", "government"]
    got = _unlisted("The minister's adviser Jane Roe thanked them, saying it was “a fine bridge.”")
    assert got[0][1] == "Jane Roe"  # a possessive opening is not the subject


def test_a_one_word_name_met_inside_a_sentence_is_a_name_at_a_sentence_start_too():
    got = _unlisted("The chief executive of Roadsoft apologised.", "Roadsoft added: “Our engineers are on it.”")
    assert got[0][1] == "Roadsoft"
    # never met inside a sentence: a capitalised first word is not taken for a name, unless it is the whole subject
    # of a speech verb (see test_a_lone_capitalised_word_before_a_speech_verb_opening_the_sentence_is_a_name)
    assert _unlisted("Roadsoft engineers, tired, added: “Our engineers are on it.”")[0][1] == "unattributed"
    assert _unlisted("Roadsoft added: “Our engineers are on it.”")[0][1] == "Roadsoft"


SOURCES = {"speaker_types": ["justice", "government", "organisation", "expert", "other"], "actors": [],
           "roles": [{"type": "justice", "cues": ["prosecutor", "police"]},
                     {"type": "government", "cues": ["minister", "ministry", "official", "authority", "chairman"]},
                     {"type": "organisation", "cues": ["company", "spokesperson", "spokeswoman", "ceo", "agency"]},
                     {"type": "expert", "cues": ["analyst"]}],
           "not_speakers": ["The", "On", "In"], "titles": ["Mr."],
           "speech_verbs": ["said", "says", "told", "added", "wrote", "according to"],
           "type_rules": {"former": {"from": ["justice", "government"], "to": "expert"}, "place_based": "organisation"}}


def _sources(*paragraphs):
    return extract_quotes(lines(*paragraphs), SOURCES)[["quote", "speaker", "speaker_type"]].values.tolist()


def test_an_unnamed_source_is_the_description_as_printed():
    assert _sources("“The deal is done,” a person familiar with the matter said.")[0][1:] == \
        ["a person familiar with the matter", "other"]
    assert _sources("“The deal is done,” said two people briefed on the talks.")[0][1:] == \
        ["two people briefed on the talks", "other"]
    assert _sources("“It is over,” one source said.")[0][1:] == ["one source", "other"]
    # a role word in the description types it, and a body named inside it is not the speaker
    assert _sources("“It is over,” a source close to the company said.")[0][1:] == \
        ["a source close to the company", "organisation"]
    assert _sources("“The road stays shut,” a senior official, who spoke on condition of anonymity, said.")[0][1:] == \
        ["a senior official", "government"]
    # a plural noun without an article is a source only with what it knows ("people" alone is nobody)
    assert _sources("The terms are agreed, according to people briefed on the talks, who said it was “a fair deal.”")[0][1:] \
        == ["people briefed on the talks", "other"]
    assert _sources("“It is over,” people said.")[0][1] == "unattributed"


def test_according_to_names_the_speaker_after_it():
    assert _sources("Prices will rise “sharply”, according to the ministry.")[0][1:] == ["the ministry", "government"]
    assert _sources("Prices will rise “sharply”, according to Jane Roe, an analyst.")[0][1:] == ["Jane Roe", "expert"]


def test_a_spokesperson_speaks_for_the_body_named_with_them():
    assert _sources("“We deny it,” a police spokesperson said.")[0][1:] == ["a police spokesperson", "justice"]
    assert _sources("“We deny it,” a ministry spokeswoman told reporters.")[0][1:] == ["a ministry spokeswoman", "government"]
    assert _sources("“We deny it,” a company spokeswoman said.")[0][1:] == ["a company spokeswoman", "organisation"]


def test_a_body_before_role_words_and_a_name_is_the_persons_and_quoted_as_saying_names_the_speaker():
    assert _sources("“Ten tugs worked,” said Canal Authority chairman Omar Lee.")[0][1:] == ["Omar Lee", "government"]
    got = _sources("The Daily Wire quoted the ministry as saying that “the road is open.”")
    assert got[0][1:] == ["the ministry", "government"]
    got = _sources("The Daily Wire quoted Jane Roe, a minister, as saying that “the road is open.”")
    assert got[0][1] == "Jane Roe"


def test_a_person_described_by_age_and_a_capitalised_noun_is_a_person_named_before():
    got = _sources("Jane Roe finished fourth.", "“I am proud,” the 24-year-old Canadian said.")
    assert got[0][1] == "Jane Roe"


def test_former_officials_speak_as_experts_and_place_based_bodies_are_companies():
    assert _sources("“It is a strong case,” former federal prosecutor Jane Roe said.")[0][1:] == ["Jane Roe", "expert"]
    assert _sources("“It is a strong case,” said Jane Roe, a former minister.")[0][1:] == ["Jane Roe", "expert"]
    assert _sources("“It is a strong case,” prosecutor Jane Roe said.")[0][1:] == ["Jane Roe", "justice"]
    assert _sources("“It is a strong case,” former company CEO Jane Roe said.")[0][2] == "organisation"
    assert _sources("In a post, the Oslo-based Nord Shipping Authority said: “The ship is stuck.”")[0][1:] == \
        ["Nord Shipping Authority", "organisation"]
    # without type rules in the codebook, the role words decide
    book = {k: v for k, v in SOURCES.items() if k != "type_rules"}
    assert extract_quotes(lines("“It is a strong case,” former federal prosecutor Jane Roe said."), book)["speaker_type"].tolist() \
        == ["justice"]
    with pytest.raises(QuoteError, match="type_rules names"):
        load_speakers({**SOURCES, "type_rules": {"age_only": "bystander"}})


def test_the_head_of_a_body_is_the_one_named_at_its_top():
    book = {**SOURCES, "actors": [{"name": "Canal Authority", "type": "government", "gender": "none",
                                   "aliases": ["Canal Authority"]}]}
    got = extract_quotes(lines("Omar Lee, chairman of the Canal Authority, spoke on Monday.",
                               "The head of the Canal Authority said ships wait, adding: “This is all we can do.”"), book)
    assert got[["speaker", "speaker_type"]].values.tolist() == [["Omar Lee", "government"]]
    # nobody named at its top: the description stays
    got = extract_quotes(lines("The head of the Canal Authority said ships wait, adding: “This is all we can do.”"), book)
    assert got["speaker"].tolist() == ["The head of the Canal Authority"]


def test_a_body_name_with_and_is_named_in_full():
    got = _sources("“It was a fraud from the start,” the Roads and Bridges Authority wrote.")
    assert got[0][1:] == ["Roads and Bridges Authority", "government"]
    # two people joined by "and" are not one name
    assert _sources("“We won,” said Jane Roe and Ann Lee.")[0][1] != "Jane Roe and Ann Lee"


def test_a_listed_person_misspelt_by_a_letter_is_that_person():
    book = {**SOURCES, "actors": [{"name": "Damian Rowe", "type": "justice", "gender": "male", "aliases": ["Damian Rowe"]}]}
    got = extract_quotes(lines("“The case is closed,” prosecutor Damien Rowe said."), book)
    assert got[["speaker", "speaker_type"]].values.tolist() == [["Damian Rowe", "justice"]]
    # another given name is another person
    got = extract_quotes(lines("“The case is closed,” prosecutor Daniel Rowe said."), book)
    assert got["speaker"].tolist() == ["Daniel Rowe"]


def test_a_sentence_about_somebody_else_between_two_quotes_ends_the_first_speakers_turn():
    got = _sources("“We back you,” the ministry said. The news marks Jane Roe's fifth withdrawal. “I put my health first.”")
    assert [s for _, s, _ in got] == ["the ministry", "unattributed"]
    # the same with the sentences glued together, as a careless capture prints them
    got = _sources("“We back you,” the ministry said.The news marks Jane Roe's fifth withdrawal.“I put my health first.”")
    assert [s for _, s, _ in got] == ["the ministry", "unattributed"]
    # a sentence about the same speaker keeps the turn
    got = _sources("“We back you,” Jane Roe said. Jane Roe spoke for an hour. “I put my health first.”")
    assert [s for _, s, _ in got] == ["Jane Roe", "Jane Roe"]


def test_a_title_alone_is_the_holder_the_article_names_and_bare_collectives_speak():
    book = {**SOURCES, "roles": SOURCES["roles"] + [{"type": "government", "cues": ["governor", "department"]}]}
    got = extract_quotes(lines("Governor Jane Roe signed the bill on Monday.", "“This is a good day,” the governor said."), book)
    assert got[["speaker", "speaker_type"]].values.tolist() == [["Jane Roe", "government"]]
    got = extract_quotes(lines("“This is a good day,” the governor said."), book)
    assert got["speaker"].tolist() == ["the governor"]  # nobody named with the title: the description
    assert _sources("“We are investigating,” police said.")[0][1:] == ["police", "justice"]
    assert _sources("Officials said the bridge “will reopen soon.”")[0][1:] == ["Officials", "government"]
    got = extract_quotes(lines("The Department of Roads said in a statement that “the bridge is safe.”"), book)
    assert got[["speaker", "speaker_type"]].values.tolist() == [["Department of Roads", "government"]]
    assert _sources("The ministry of roads said in a statement that “the bridge is safe.”")[0][1:] == \
        ["The ministry", "government"]


def test_a_statement_from_a_body_is_the_bodys():
    got = _sources("Shares of Acme, a chemicals company, fell.", "“We will appeal,” a statement from the company read.")
    assert got[0][1] == "unattributed"  # "read" is not a speech verb of this codebook
    book = {**SOURCES, "speech_verbs": SOURCES["speech_verbs"] + ["read"]}
    got = extract_quotes(lines("Shares of Acme, a chemicals company, fell.", "“We will appeal,” a statement from the company read."), book)
    assert got[["speaker", "speaker_type"]].values.tolist() == [["Acme", "organisation"]]
    got = extract_quotes(lines("“We will appeal,” a statement from Acme Corp read."), book)
    assert got["speaker"].tolist() == ["Acme Corp"]
    got = _sources("“We regret the delay,” Nord Airlines spokesperson Jane Roe said.")
    assert got[0][1:] == ["Jane Roe", "organisation"]


def test_a_statement_printed_as_paragraphs_after_an_introduction_is_the_issuers():
    got = _sources("Nord Shipping Company released a statement on Monday.", "Nord Shipping Company statement:",
                   "We are grateful the crew is safe.", "We continue to work with the regulators on this matter.",
                   "The ship was refloated on Tuesday.")
    assert [(q[:10], s) for q, s, _ in got] == [("We are gra", "Nord Shipping Company"),
                                                ("We continu", "Nord Shipping Company")]


def test_the_statement_is_the_bodys_the_article_named_before_not_its_signers():
    got = _sources("The Ministry of Roads has stated that the bridge is safe.",
                   "The ministry made this known in a statement signed by Roads Minister, Jane Roe.",
                   "The statement added that “the inspections found no cracks.”")
    assert got[0][1:] == ["Ministry of Roads", "government"]


def test_a_speaker_takes_the_type_of_a_role_left_or_a_description_set_before_the_name():
    book = {**SOURCES, "roles": SOURCES["roles"] + [{"type": "expert", "cues": ["lawyer"]}]}
    got = extract_quotes(lines("A filing showed the firm's lawyer and a partner, Jane Roe, in a letter to the regulators.",
                               "Roe said the post “triggered no amendment.”"), book)
    assert got[["speaker", "speaker_type"]].values.tolist() == [["Jane Roe", "expert"]]
    got = extract_quotes(lines("Jane Roe stepped down as CEO on Monday.", "“We will be back,” Roe said."), book)
    assert got[["speaker", "speaker_type"]].values.tolist() == [["Jane Roe", "organisation"]]


def test_a_name_that_only_modifies_a_description_is_part_of_it_and_a_person_given_by_age_is_the_public():
    assert _sources("“We are not there yet,” one European official said.")[0][1:] == ["one European official", "government"]
    assert _sources("“No comment,” a Ministry of Roads spokesperson said.")[0][1:] == \
        ["a Ministry of Roads spokesperson", "government"]
    assert _sources("“No comment,” said Acme spokesperson Jane Roe.")[0][1] == "Jane Roe"  # no article: a name
    book = {**SOURCES, "speaker_types": SOURCES["speaker_types"] + ["public"], "type_rules": {"age_only": "public"}}
    got = extract_quotes(lines("“I am shocked,” said Jane Roe, 45, who lives nearby."), book)
    assert got[["speaker", "speaker_type"]].values.tolist() == [["Jane Roe", "public"]]


def test_a_description_with_the_name_set_after_it_is_the_person_and_possessive_descriptions_are_descriptions():
    assert _sources("A police spokesperson, Sgt. Jane Roe, said: “The suspect is in custody.”")[0][1:] == \
        ["Jane Roe", "justice"]
    assert _sources("“We will rebuild,” the city's minister said.")[0][1:] == ["the city's minister", "government"]
    assert _sources("The company, which makes widgets, said it “regrets the error.”")[0][1:] == \
        ["The company", "organisation"]


def test_a_lone_capitalised_word_before_a_speech_verb_opening_the_sentence_is_a_name():
    assert _sources("Roadsoft said in a statement: “We regret the error.”")[0][1] == "Roadsoft"
    assert _sources("Roadsoft has said: “We regret the error.”")[0][1] == "Roadsoft"
    # an introduction without a speech verb ("Photo:") names nobody
    assert _sources("Photo: “We regret the error.”")[0][1] == "unattributed"


def test_an_inherited_speaker_takes_the_type_its_own_attribution_gives():
    got = _unlisted("Roadsoft sued the city on Monday, Roadsoft said.", "“This game must end,” Roadsoft said.",
                    "“Pay now,” the company said in the filing.")
    assert got[-1][1:] == ["Roadsoft", "organisation"]
