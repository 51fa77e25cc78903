// A stand-in for Testcontainers' class of this name, for CI only: runs the
// image with the podman CLI, each exposed port on a random loopback port.
package org.testcontainers.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.utility.DockerImageName;

public class GenericContainer<SELF extends GenericContainer<SELF>> {
  private final String image;
  private final List<Integer> ports = new ArrayList<>();
  private WaitStrategy wait;
  private String id;

  public GenericContainer(DockerImageName image) {
    this.image = image.asCanonicalNameString();
  }

  @SuppressWarnings("unchecked")
  private SELF self() {
    return (SELF) this;
  }

  public SELF withExposedPorts(Integer... ports) {
    this.ports.addAll(List.of(ports));
    return self();
  }

  public SELF waitingFor(WaitStrategy wait) {
    this.wait = wait;
    return self();
  }

  public void start() {
    List<String> args = new ArrayList<>(List.of("podman", "run", "-d", "--rm"));
    for (int p : ports) {
      args.add("-p");
      args.add("127.0.0.1::" + p);
    }
    args.add(image);
    id = podman(args);
    if (wait != null) {
      wait.waitUntilReady(getHost(), this::getMappedPort);
    }
  }

  public void stop() {
    if (id != null) {
      podman(List.of("podman", "rm", "-f", "-t", "2", id));
    }
  }

  public String getHost() {
    return "127.0.0.1";
  }

  public Integer getMappedPort(int port) {
    String out = podman(List.of("podman", "port", id, port + "/tcp")).lines().findFirst().orElseThrow();
    return Integer.parseInt(out.substring(out.lastIndexOf(':') + 1));
  }

  private static String podman(List<String> args) {
    try {
      Process p = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", args) + ": exit " + p.exitValue());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
