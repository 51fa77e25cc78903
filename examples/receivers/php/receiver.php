<?php
// A minimal LiqPay callback endpoint that verifies the signature.
// Run it with: php -S 127.0.0.1:9000 receiver.php
$privateKey = getenv('LIQPAY_PRIVATE_KEY') ?: 'sandbox_private_key';
$data = $_POST['data'] ?? '';
$signature = $_POST['signature'] ?? '';
// Raw SHA-1 bytes (true), then base64; version 7: hash('sha3-256', ..., true)
$expected = base64_encode(sha1($privateKey . $data . $privateKey, true));
if (!hash_equals($expected, $signature)) {
    http_response_code(400);
    exit('bad signature');
}
$payment = json_decode(base64_decode($data), true);
// Before trusting the status, check order_id, amount and currency against your order.
error_log("verified {$payment['order_id']} {$payment['status']}");
