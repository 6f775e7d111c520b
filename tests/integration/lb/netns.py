"""Sockets inside named network namespaces, from the test process itself.

A socket belongs to the namespace it was created in, so the test switches its
thread into the namespace, creates the socket, and switches back.
"""
import contextlib
import ctypes
import os
import socket

_libc = ctypes.CDLL("libc.so.6", use_errno=True)
CLONE_NEWNET = 0x40000000


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


@contextlib.contextmanager
def inside(ns):
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/var/run/netns/{ns}", os.O_RDONLY)
    try:
        _setns(target)
        yield
    finally:
        _setns(home)
        os.close(target)
        os.close(home)


def tcp_socket(ns, timeout=5.0):
    with inside(ns):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    return s


def udp_socket(ns, timeout=2.0):
    with inside(ns):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    return s


def ask_tcp(ns, addr, port):
    """One new connection: returns the backend's answer "<name> <client-ip>"."""
    with tcp_socket(ns) as s:
        s.connect((addr, port))
        s.sendall(b"who\n")
        return s.makefile().readline().strip()


def ask_udp(ns, addr, port):
    with udp_socket(ns) as s:
        s.connect((addr, port))
        s.send(b"who")
        return s.recv(256).decode()
