"""bench/profile_summary.py puts each sample of the connector and of its Markdown processes where it belongs."""
from bench.profile_summary import summarise

MAIN = 'process 1:"python source-confluence read"'
WORKER = 'process 2:"python -m source_confluence.components.bodies.markdown_worker"'


def test_given_samples_of_both_processes_then_markdown_work_and_pipe_waits_are_told_apart():
    lines = [
        f"{WORKER};serve (source_confluence/components/bodies/markdown_worker.py:50);"
        "convert_storage (source_confluence/components/bodies/markdown.py:95) 6",
        f"{WORKER};serve (source_confluence/components/bodies/markdown_worker.py:48);"
        "read_frame (source_confluence/components/bodies/markdown_worker.py:33) 3",
        f"{MAIN};_read (source_confluence/components/bodies/markdown_processes.py:119);"
        "read_frame (source_confluence/components/bodies/markdown_worker.py:33) 2",
        f"{MAIN};transform (source_confluence/components/records/content_records.py:88) 1",
    ]
    categories = summarise(lines)["categories"]
    assert categories == {"Markdown in the Markdown processes": 0.5, "queue, pipe and thread hand-off (locks, waits)": 0.417,
                          "record shaping (our components)": 0.083}
