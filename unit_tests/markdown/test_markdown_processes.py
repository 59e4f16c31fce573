"""Markdown converted in separate processes (components/bodies/markdown_processes.py): the same output
as the connector process, and every way a process can fail ends in a conversion here, never a lost body."""
import logging
import sys

import pytest

from source_confluence.components.bodies import markdown_processes
from source_confluence.components.bodies.markdown import convert_storage
from source_confluence.components.bodies.markdown_processes import MarkdownProcesses
from source_confluence.components.records import wire_values

from .test_markdown_real_bodies import real_bodies

SAMPLES = [
    "<h1>Plan</h1><p>Ask <ac:link><ri:user ri:account-id=\"557058:abc\"/></ac:link></p>",
    '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python</ac:parameter>'
    "<ac:plain-text-body><![CDATA[print('<x>')]]></ac:plain-text-body></ac:structured-macro>",
    "<table><tbody><tr><th>a</th><th>b</th></tr><tr><td>1<br/>2</td><td>x</td></tr></tbody></table>",
    '<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>done</ac:task-body></ac:task></ac:task-list>',
    "<div>" * 3000 + "deep text" + "</div>" * 3000,     # falls back to its text
]


def _page(*bodies):
    return {"results": [{"id": str(n), "body": {"storage": {"value": body}}} for n, body in enumerate(bodies)],
            "_links": {}}


@pytest.fixture
def processes():
    table = MarkdownProcesses(processes=1)
    table.start()
    yield table
    table.close()


def test_given_bodies_when_converted_in_a_process_then_each_equals_the_connector_process_conversion(processes):
    bodies = SAMPLES + [storage for _, storage in real_bodies()]
    processes.submit_page(_page(*bodies))
    assert [processes.take(body) for body in bodies] == [convert_storage(body) for body in bodies]
    assert processes.sent == len(set(bodies)) and processes.taken == len(bodies)
    assert convert_storage(SAMPLES[-1])[1], "the deep body falls back and says why"


def test_given_a_body_larger_than_a_pipe_then_it_arrives_whole(processes):
    big = "<p>" + "word " * 400_000 + "</p>"       # 2 MB: many pipe buffers each way
    processes.submit_page(_page(big))
    assert processes.take(big) == convert_storage(big)


def test_given_the_same_body_twice_then_it_is_sent_once(processes):
    processes.submit_page(_page(SAMPLES[0], SAMPLES[0]))
    processes.submit_page(_page(SAMPLES[0]))         # pages_content reading the page pages read
    assert processes.take(SAMPLES[0]) == processes.take(SAMPLES[0]) == convert_storage(SAMPLES[0])
    assert processes.sent == 1


@pytest.mark.parametrize("page", [
    {"results": [{"id": "1"}, {"id": "2", "body": {"storage": {"value": "  "}}}, {"id": "3", "body": "x"}, 7]},
    {"results": "not a list"}, [1, 2], None,
])
def test_given_a_page_without_bodies_then_nothing_is_sent(processes, page):
    processes.submit_page(page)
    assert processes.sent == 0


def test_given_a_body_never_announced_then_take_says_convert_here(processes):
    assert processes.take("<p>never sent</p>") is None


def test_given_no_processes_then_nothing_is_sent_and_every_body_converts_here():
    table = MarkdownProcesses(processes=0)
    table.start()
    table.submit_page(_page(SAMPLES[0]))
    assert table.sent == 0 and table.take(SAMPLES[0]) is None
    table.close()


def test_given_a_process_that_dies_then_what_it_owed_and_what_follows_converts_here(caplog):
    # A "process" that reads one batch and exits without answering.
    table = MarkdownProcesses(processes=1, command=[sys.executable, "-c", "import sys; sys.stdin.buffer.read(8)"])
    table.start()
    table.submit_page(_page(SAMPLES[0], SAMPLES[1]))
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        assert table.take(SAMPLES[0]) is None and table.take(SAMPLES[1]) is None
    assert any("Markdown process ended" in r.getMessage() for r in caplog.records)
    table.submit_page(_page(SAMPLES[2]))
    assert table.take(SAMPLES[2]) is None and table.sent == 2
    table.close()


def test_given_a_process_that_never_answers_then_it_is_stopped_after_the_wait(caplog):
    table = MarkdownProcesses(processes=1, wait_seconds=0.5,
                              command=[sys.executable, "-c", "import sys, time; sys.stdin.buffer.read(8); time.sleep(60)"])
    table.start()
    table.submit_page(_page(SAMPLES[0], SAMPLES[1]))
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        assert table.take(SAMPLES[0]) is None
    assert any("gave no answer" in r.getMessage() for r in caplog.records)
    assert table.take(SAMPLES[1]) is None, "released when the stopped process's answers ended"
    table.close()


def test_given_a_body_the_frame_cannot_carry_then_it_converts_here_and_the_others_still_in_the_process(processes):
    unencodable = "<p>lone \ud800 surrogate</p>"
    processes.submit_page(_page(unencodable))
    processes.submit_page(_page(SAMPLES[0]))
    assert processes.take(unencodable) is None
    assert processes.take(SAMPLES[0]) == convert_storage(SAMPLES[0])


def test_given_an_active_table_then_the_record_shapers_take_its_markdown_and_log_its_fallbacks(processes, caplog):
    wire_values._cached_markdown.cache_clear()
    markdown_processes.activate(processes)
    try:
        processes.submit_page(_page(SAMPLES[0], SAMPLES[-1]))
        with caplog.at_level(logging.WARNING, logger="airbyte"):
            assert wire_values.storage_markdown(SAMPLES[0]) == convert_storage(SAMPLES[0])[0]
            assert wire_values.storage_markdown(SAMPLES[-1]) == convert_storage(SAMPLES[-1])[0]
        assert processes.taken == 2
        assert any("falling back to plain text" in r.getMessage() for r in caplog.records)
    finally:
        markdown_processes.activate(None)
        wire_values._cached_markdown.cache_clear()


@pytest.mark.parametrize("configured,cores,expected", [("", 2, 1), ("", 1, 0), ("", 8, 2), ("0", 8, 0), ("3", 1, 3)])
def test_given_cores_and_the_override_then_the_process_count_follows(monkeypatch, configured, cores, expected):
    monkeypatch.setenv(markdown_processes.PROCESSES_ENV, configured)
    monkeypatch.setattr(markdown_processes, "usable_cores", lambda: cores)
    assert markdown_processes.process_count() == expected


def test_given_a_batch_then_the_process_answers_in_frames_of_one_two_four_up_to_the_maximum():
    """The first body is answered alone (the first record waits for it only); later answers share frames."""
    import io

    from source_confluence.components.bodies import markdown_worker

    bodies = [f"<p>body {n}</p>" for n in range(80)]
    source = io.BytesIO(markdown_worker.encode_frame([[n, body] for n, body in enumerate(bodies)]))
    sink = io.BytesIO()
    markdown_worker.serve(source, sink)
    sink.seek(0)
    frames = []
    while (frame := markdown_worker.read_frame(sink)) is not None:
        frames.append(frame)
    assert [len(frame) for frame in frames] == [1, 2, 4, 8, 16, 32, 17]
    assert [answer for frame in frames for answer in frame] == [[n, *convert_storage(body)] for n, body in enumerate(bodies)]


def test_given_the_second_process_cannot_start_then_the_first_is_stopped_and_bodies_convert_here(monkeypatch, caplog):
    real_popen = markdown_processes.subprocess.Popen
    started = []

    def popen_once(*args, **kwargs):
        if started:
            raise OSError("no more processes")
        started.append(real_popen(*args, **kwargs))
        return started[0]

    monkeypatch.setattr(markdown_processes.subprocess, "Popen", popen_once)
    table = MarkdownProcesses(processes=2)
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        table.start()
    assert "could not start" in caplog.text
    assert started[0].wait(timeout=10) is not None, "the process that did start was stopped"
    table.submit_page(_page(SAMPLES[0]))
    assert table.sent == 0 and table.take(SAMPLES[0]) is None, "every body converts in the connector process"
    table.close()
