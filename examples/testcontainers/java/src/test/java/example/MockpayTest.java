package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** Starts mockpay's image, waits for /_mockpay/health, pays with a merchant of its own. */
class MockpayTest {
  static GenericContainer<?> mockpay;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    String image = System.getenv().getOrDefault("MOCKPAY_IMAGE", "mockpay:local");
    mockpay = new GenericContainer<>(DockerImageName.parse(image))
        .withExposedPorts(8470)
        .waitingFor(Wait.forHttp("/_mockpay/health").forPort(8470).forStatusCode(200));
    mockpay.start();
    base = "http://" + mockpay.getHost() + ":" + mockpay.getMappedPort(8470);
  }

  @AfterAll
  static void stop() {
    mockpay.stop();
  }

  @Test
  void paysWithAMerchantOfItsOwn() throws Exception {
    String merchant = post("/_mockpay/merchants", "{\"liqpay\": {}}", 201);
    String publicKey = field(merchant, "public_key");
    String privateKey = field(merchant, "private_key");

    String json = "{\"version\":3,\"public_key\":\"" + publicKey + "\",\"action\":\"pay\",\"amount\":100,"
        + "\"currency\":\"UAH\",\"description\":\"testcontainers\",\"order_id\":\"tc-java-1\","
        + "\"card\":\"4242424242424242\",\"card_exp_month\":\"12\",\"card_exp_year\":\"30\",\"card_cvv\":\"123\"}";
    String data = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    byte[] sha1 = MessageDigest.getInstance("SHA-1")
        .digest((privateKey + data + privateKey).getBytes(StandardCharsets.UTF_8));
    String signature = Base64.getEncoder().encodeToString(sha1);
    String form = "data=" + URLEncoder.encode(data, StandardCharsets.UTF_8)
        + "&signature=" + URLEncoder.encode(signature, StandardCharsets.UTF_8);

    String paid = post("/api/request", form, 200);
    assertEquals("success", field(paid, "status"), paid);
  }

  static String post(String path, String body, int want) throws Exception {
    HttpResponse<String> resp = http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", path.startsWith("/api/") ? "application/x-www-form-urlencoded" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(want, resp.statusCode(), resp.body());
    return resp.body();
  }

  // field finds "name":"value" in a JSON text (the JDK has no JSON parser; use yours).
  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return m.group(1);
  }
}
