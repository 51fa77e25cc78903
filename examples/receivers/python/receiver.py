"""A minimal LiqPay callback endpoint that verifies the signature."""
import base64, hashlib, hmac, json, os
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

PRIVATE_KEY = os.environ.get("LIQPAY_PRIVATE_KEY", "sandbox_private_key")


class Callback(BaseHTTPRequestHandler):
    def do_POST(self):
        # LiqPay posts a form (data, signature), not JSON.
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        data, signature = form.get("data", [""])[0], form.get("signature", [""])[0]
        digest = hashlib.sha1((PRIVATE_KEY + data + PRIVATE_KEY).encode()).digest()  # version 7: hashlib.sha3_256
        if not hmac.compare_digest(base64.b64encode(digest).decode(), signature):
            self.send_response(400)
            self.end_headers()
            return
        payment = json.loads(base64.b64decode(data))
        # Before trusting the status, check order_id, amount and currency against your order.
        print("verified", payment["order_id"], payment["status"], flush=True)
        self.send_response(200)
        self.end_headers()


HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "9000"))), Callback).serve_forever()
