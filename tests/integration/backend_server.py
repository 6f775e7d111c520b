#!/usr/bin/env python3
"""A backend "pod" for tests and the demo: says who it is and who asked.

TCP: an HTTP GET gets "<name> <client-ip>" as the body (Connection: close);
any other line is answered with "<name> <client-ip>" per line, so a test can
hold one connection open and keep asking. UDP: each datagram is answered with
"<name> <client-ip>".
"""
import argparse
import asyncio


class Udp(asyncio.DatagramProtocol):
    def __init__(self, name):
        self.name = name

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(f"{self.name} {addr[0]}".encode(), addr)


async def serve(name, tcp_port, udp_port):
    async def on_tcp(reader, writer):
        peer = writer.get_extra_info("peername")[0]
        answer = f"{name} {peer}"
        try:
            while line := await reader.readline():
                if line.startswith(b"GET "):
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    body = answer.encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                                 b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                    await writer.drain()
                    break
                writer.write(answer.encode() + b"\n")
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_tcp, "0.0.0.0", tcp_port, reuse_address=True)
    loop = asyncio.get_running_loop()
    if udp_port:
        await loop.create_datagram_endpoint(lambda: Udp(name), local_addr=("0.0.0.0", udp_port))
    async with server:
        await server.serve_forever()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--tcp", type=int, default=8080)
    ap.add_argument("--udp", type=int, default=0)
    a = ap.parse_args()
    asyncio.run(serve(a.name, a.tcp, a.udp))


if __name__ == "__main__":
    main()
