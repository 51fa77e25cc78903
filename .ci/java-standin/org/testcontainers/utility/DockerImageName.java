// A stand-in for Testcontainers' class of this name, for CI only: see
// .ci/java-standin/README.md.
package org.testcontainers.utility;

public final class DockerImageName {
  private final String name;

  private DockerImageName(String name) {
    this.name = name;
  }

  public static DockerImageName parse(String name) {
    return new DockerImageName(name);
  }

  public String asCanonicalNameString() {
    return name;
  }
}
