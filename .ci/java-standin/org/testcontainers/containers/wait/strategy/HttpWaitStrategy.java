// A stand-in for Testcontainers' class of this name, for CI only: polls
// GET path on the mapped port until the status code is the one asked for.
package org.testcontainers.containers.wait.strategy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntUnaryOperator;

public class HttpWaitStrategy implements WaitStrategy {
  private final String path;
  private int port = -1;
  private int statusCode = 200;

  HttpWaitStrategy(String path) {
    this.path = path;
  }

  public HttpWaitStrategy forPort(int port) {
    this.port = port;
    return this;
  }

  public HttpWaitStrategy forStatusCode(int statusCode) {
    this.statusCode = statusCode;
    return this;
  }

  @Override
  public void waitUntilReady(String host, IntUnaryOperator mappedPort) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI uri = URI.create("http://" + host + ":" + mappedPort.applyAsInt(port) + path);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == statusCode) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(uri + " did not answer " + statusCode);
  }
}
