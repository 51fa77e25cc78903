<?php
// A PHP test against a running mockpay container, with php-cli and its curl
// functions only. Run: MOCKPAY_URL=http://127.0.0.1:8470 php mockpay_test.php
// Prints one line per check and "N passed, N failed"; exits 1 on a failure.

$base = getenv('MOCKPAY_URL') ?: 'http://127.0.0.1:8470';
$passed = 0;
$failed = 0;

function check(string $name, bool $ok, $got = null): void {
    global $passed, $failed;
    if ($ok) { $passed++; echo "ok   $name\n"; return; }
    $failed++;
    echo "FAIL $name: " . json_encode($got) . "\n";
}

// post sends a body and returns [HTTP status, decoded JSON].
function post(string $url, string $body, array $headers = []): array {
    $ch = curl_init($url);
    curl_setopt_array($ch, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => $body,
        CURLOPT_HTTPHEADER => $headers,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 10,
    ]);
    $raw = curl_exec($ch);
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    return [$status, json_decode((string)$raw, true)];
}

// liqpay signs as LiqPay's PHP SDK does: base64(sha1(key . data . key, true)).
function liqpay(string $base, string $privateKey, array $params): array {
    $data = base64_encode(json_encode($params));
    $signature = base64_encode(sha1($privateKey . $data . $privateKey, true));
    return post("$base/api/request", http_build_query(['data' => $data, 'signature' => $signature]));
}

// A merchant of this test's own, with fresh keys.
[$status, $merchant] = post("$base/_mockpay/merchants", '{"liqpay": {}, "liquido": {}}');
check('POST /_mockpay/merchants is 201', $status === 201, $status);
$shop = $merchant['liqpay'] ?? ['public_key' => '', 'private_key' => ''];

[$status, $paid] = liqpay($base, $shop['private_key'], [
    'version' => 3, 'public_key' => $shop['public_key'], 'action' => 'pay',
    'amount' => 100, 'currency' => 'UAH', 'description' => 'php test', 'order_id' => 'php-1',
    'card' => '4242424242424242', 'card_exp_month' => '12', 'card_exp_year' => '30', 'card_cvv' => '123',
]);
check('LiqPay pay is HTTP 200', $status === 200, $status);
check('LiqPay pay succeeds', ($paid['status'] ?? null) === 'success', $paid);

[, $bad] = liqpay($base, 'not-the-key', ['version' => 3, 'public_key' => $shop['public_key'], 'action' => 'status', 'order_id' => 'php-1']);
check('a wrong signature is refused', ($bad['err_code'] ?? $bad['code'] ?? null) !== null && ($bad['status'] ?? null) === 'error', $bad);

$liquido = $merchant['liquido'] ?? ['client_id' => '', 'client_secret' => ''];
[$status, $token] = post("$base/oauth2/token", http_build_query([
    'grant_type' => 'client_credentials', 'client_id' => $liquido['client_id'], 'client_secret' => $liquido['client_secret'],
]));
check('Liquido token', $status === 200 && !empty($token['access_token']), $token);

echo "$passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
