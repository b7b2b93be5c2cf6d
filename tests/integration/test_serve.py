"""The real service end to end: the CLI's key lets a client store and read a record, and
`promtool check metrics` accepts what /metrics serves after traffic."""

import subprocess

import httpx

from tests.integration.conftest import Server


def test_a_key_from_the_cli_lets_a_client_store_and_read_a_call(server: Server) -> None:
    ingest = {"Authorization": f"Bearer {server.key('ingest')}"}
    read = {"Authorization": f"Bearer {server.key('read')}"}
    record = {"id": "cli-1", "app": "support", "model": "gpt-4o", "latency_s": 0.8,
              "input_tokens": 120, "output_tokens": 40}

    stored = httpx.post(f"{server.url}/api/v1/inferences", json=record, headers=ingest)
    assert stored.json() == {"accepted": 1, "duplicates": 0, "conflicts": []}
    page = httpx.get(f"{server.url}/api/v1/inferences", headers=read).json()
    assert [item["id"] for item in page["items"]] == ["cli-1"]
    assert httpx.get(f"{server.url}/api/v1/inferences", headers=ingest).status_code == 403


def test_promtool_finds_nothing_wrong_in_metrics_after_traffic(
    server: Server, promtool: str
) -> None:
    headers = {"Authorization": f"Bearer {server.key('ingest')}"}
    calls = [
        {"id": f"m{i}", "app": "support", "model": "gpt-4o-mini", "latency_s": 0.5 + i / 10,
         "ttft_s": 0.1, "input_tokens": 100, "output_tokens": 20,
         "status": "error" if i % 5 == 0 else "ok",
         "error_type": "timeout" if i % 5 == 0 else None}
        for i in range(20)
    ]
    httpx.post(f"{server.url}/api/v1/inferences", json=calls, headers=headers)
    httpx.post(f"{server.url}/api/v1/feedback", headers=headers,
               json={"inference_id": "m1", "kind": "thumbs", "value": True})
    httpx.post(f"{server.url}/api/v1/accuracy", headers=headers,
               json={"app": "support", "model": "gpt-4o-mini", "correct": False})
    httpx.post(f"{server.url}/api/v1/outcomes", headers=headers,
               json={"app": "support", "name": "ticket_resolved"})
    exposition = httpx.get(f"{server.url}/metrics").text
    assert 'gen_ai_client_operation_duration_seconds_count{' in exposition

    checked = subprocess.run([promtool, "check", "metrics"], input=exposition,
                             capture_output=True, text=True)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")
