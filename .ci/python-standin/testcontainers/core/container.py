"""A stand-in for testcontainers' DockerContainer, for CI only.

PyPI cannot be reached from CI's machine, so the real testcontainers package
cannot be installed there. .ci/docker.sh puts this folder first on
PYTHONPATH to run examples/testcontainers/python's test body against the real
image with podman. It has only the methods the recipe calls, with the real
library's names and meaning; it proves the recipe's test, not the library.
"""
import subprocess


class DockerContainer:
    def __init__(self, image):
        self.image = image
        self.ports = []
        self.id = None

    def with_exposed_ports(self, *ports):
        self.ports.extend(ports)
        return self

    def start(self):
        args = ["podman", "run", "-d", "--rm"]
        for p in self.ports:
            args += ["-p", "127.0.0.1::%s" % p]  # a random host port, as Docker's -P
        self.id = subprocess.run(args + [self.image], check=True, capture_output=True, text=True).stdout.strip()
        return self

    def stop(self):
        if self.id:
            subprocess.run(["podman", "rm", "-f", "-t", "2", self.id], capture_output=True)

    def get_container_host_ip(self):
        return "127.0.0.1"

    def get_exposed_port(self, port):
        out = subprocess.run(["podman", "port", self.id, "%s/tcp" % port], check=True, capture_output=True, text=True).stdout
        return out.strip().splitlines()[0].rsplit(":", 1)[1]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
