// A stand-in for Testcontainers' class of this name, for CI only.
package org.testcontainers.containers.wait.strategy;

public final class Wait {
  private Wait() {}

  public static HttpWaitStrategy forHttp(String path) {
    return new HttpWaitStrategy(path);
  }
}
