// Socket plumbing shared by outlet, resolver and inlet: port-range binding and LSL's defaults.
import { createSocket, Socket as UdpSocket } from 'node:dgram';
import { createServer, Server } from 'node:net';
import { ArgumentError } from '../../errors.js';

/** liblsl's api_config defaults. */
export const LSL_MULTICAST_PORT = 16571;
export const LSL_BASE_PORT = 16572;
export const LSL_PORT_RANGE = 32;
/** IPv4 multicast groups liblsl queries and listens on (site-local and link-local). */
export const LSL_MULTICAST_GROUPS = ['239.255.172.215', '224.0.0.183'];

export interface UdpTarget {
  address: string;
  port: number;
}

/** The resolver's default targets: loopback on the multicast port and the whole port range, and the multicast groups. */
export function defaultTargets(): UdpTarget[] {
  const t: UdpTarget[] = [{ address: '127.0.0.1', port: LSL_MULTICAST_PORT }];
  for (let p = LSL_BASE_PORT; p < LSL_BASE_PORT + LSL_PORT_RANGE; p++) t.push({ address: '127.0.0.1', port: p });
  for (const g of LSL_MULTICAST_GROUPS) t.push({ address: g, port: LSL_MULTICAST_PORT });
  return t;
}

function listenTcp(server: Server, port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolve(false);
      else reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

function bindUdp(sock: UdpSocket, port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      sock.off('listening', onListening);
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolve(false);
      else reject(e);
    };
    const onListening = () => {
      sock.off('error', onError);
      resolve(true);
    };
    sock.once('error', onError);
    sock.once('listening', onListening);
    sock.bind({ port, address: host, exclusive: true });
  });
}

/**
 * A TCP server and a UDP socket on the first free port of [base, base + range) (the same number
 * for both when possible, as liblsl does), or on ephemeral ports when none is free or range is 0.
 */
export async function bindPortPair(host: string, base: number, range: number): Promise<{ server: Server; udp: UdpSocket }> {
  let server = createServer();
  let tcpPort = 0;
  for (let p = base; p < base + range && !tcpPort; p++) {
    if (await listenTcp(server, p, host)) tcpPort = p;
    else server = createServer();
  }
  if (!tcpPort && !(await listenTcp(server, 0, host))) throw new ArgumentError(`lsl outlet: cannot listen on host ${host}`);
  let udp = createSocket('udp4');
  const wanted = tcpPort ? [tcpPort, ...Array.from({ length: range }, (_, i) => base + i).filter((p) => p !== tcpPort)] : [];
  let bound = false;
  for (const p of wanted) {
    if (await bindUdp(udp, p, host)) {
      bound = true;
      break;
    }
    udp = createSocket('udp4');
  }
  if (!bound && !(await bindUdp(udp, 0, host))) throw new ArgumentError(`lsl outlet: cannot bind a UDP port on host ${host}`);
  return { server, udp };
}
