"""The CLI contract's `--tls-cert PEM --tls-key PEM`: the emulator serves HTTPS, so a connector can be
pointed at an https:// base URL exactly as at a real site."""
from __future__ import annotations

import datetime
import ipaddress
import subprocess
import sys
import time
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

REPO_ROOT = Path(__file__).resolve().parents[2]


def _self_signed_pair(directory: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_given_a_certificate_when_serving_then_the_v2_api_answers_over_https_and_not_over_http(tmp_path):
    cert, key = _self_signed_pair(tmp_path)
    port_file = tmp_path / "port"
    process = subprocess.Popen([sys.executable, "-m", "emulators.confluence.cli", "serve", "--port", "0",
                                "--port-file", str(port_file), "--profile", "tiny",
                                "--tls-cert", str(cert), "--tls-key", str(key)], cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + 60
        while not port_file.exists():
            assert process.poll() is None, "the emulator exited before it was ready"
            assert time.monotonic() < deadline, "the emulator did not write its port file"
            time.sleep(0.05)
        port = int(port_file.read_text())
        response = requests.get(f"https://127.0.0.1:{port}/wiki/api/v2/spaces", params={"limit": 1},
                                auth=("demo@example.com", "demo-token"), verify=str(cert), timeout=10)
        assert response.status_code == 200
        assert len(response.json()["results"]) == 1
        try:
            plain = requests.get(f"http://127.0.0.1:{port}/wiki/api/v2/spaces", auth=("demo@example.com", "demo-token"),
                                 timeout=3)
            assert plain.status_code >= 400, "plain HTTP must not be served on a TLS port"
        except (requests.ConnectionError, requests.Timeout):
            pass  # the TLS server dropped or never answered the plain-text request: also a refusal
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
