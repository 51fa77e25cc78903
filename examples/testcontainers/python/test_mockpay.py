"""Testcontainers for Python: start mockpay's image, wait for /_mockpay/health,
make a merchant of this test's own and pay with it.

Run: pip install -r requirements.txt && pytest   (MOCKPAY_IMAGE overrides the image)
"""
import base64
import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from testcontainers.core.container import DockerContainer


def wait_healthy(base, timeout=30.0):
    """Polls /_mockpay/health until it answers 200 (what wait.ForHTTP does in Go)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/_mockpay/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(base + "/_mockpay/health did not answer 200")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def mockpay():
    with DockerContainer(os.environ.get("MOCKPAY_IMAGE", "mockpay:local")).with_exposed_ports(8470) as c:
        base = "http://%s:%s" % (c.get_container_host_ip(), c.get_exposed_port(8470))
        wait_healthy(base)
        yield base


def post(url, body):
    with urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=10) as r:
        return r.status, json.load(r)


def test_pay_with_a_merchant_of_its_own(mockpay):
    status, merchant = post(mockpay + "/_mockpay/merchants", b'{"liqpay": {}}')
    assert status == 201
    shop = merchant["liqpay"]

    data = base64.b64encode(json.dumps({
        "version": 3, "public_key": shop["public_key"], "action": "pay", "amount": 100,
        "currency": "UAH", "description": "testcontainers", "order_id": "tc-py-1",
        "card": "4242424242424242", "card_exp_month": "12", "card_exp_year": "30", "card_cvv": "123",
    }).encode()).decode()
    key = shop["private_key"]
    signature = base64.b64encode(hashlib.sha1((key + data + key).encode()).digest()).decode()
    status, paid = post(mockpay + "/api/request", urllib.parse.urlencode({"data": data, "signature": signature}).encode())
    assert status == 200
    assert paid["status"] == "success"
    assert paid["public_key"] == shop["public_key"]
