from unit_tests.destination.destination_builders import ConfigBuilder, InputBuilder, a_page, a_space, an_attachment, catalog, stage_file
from integration_tests.destination.destination_run import stored, write


def test_given_a_fresh_root_when_writing_pages_and_an_attachment_then_all_are_stored_under_space_keys(unique, tmp_path):
    space = a_space("100", "ENG")
    pages = [a_page("1", space, labels=("b", "a")), a_page("2", space)]
    attachment = an_attachment("att9", "1", space, size=5)
    staged = {"att9": stage_file(tmp_path / "staging", "att9.pdf", b"%PDF-")}
    messages = (InputBuilder().records("pages", pages).records("attachments", [attachment], staged)
                .complete("pages", "attachments").state("pages", {"done": True}).messages())

    result = write(ConfigBuilder(unique.base_url).build(), catalog(pages="full_refresh", attachments="full_refresh"), messages)

    assert result.error is None, result.error and result.error.message
    assert set(stored(unique)) == {"acme/100_ENG/1", "acme/100_ENG/2", "acme/100_ENG/1::att9"}
    assert result.summary["succeeded"] == 3 and len(result.states) == 1
