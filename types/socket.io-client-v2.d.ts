// socket.io-client 2.x (installed as the npm alias `socket.io-client-v2`) ships no types; this is
// the part of its API the simulator's tests use.
declare module 'socket.io-client-v2' {
  interface SocketV2 {
    readonly id: string;
    readonly connected: boolean;
    readonly io: { readonly engine: { readonly transport: { readonly name: string } } };
    on(event: string, listener: (...args: unknown[]) => void): SocketV2;
    once(event: string, listener: (...args: unknown[]) => void): SocketV2;
    off(event?: string, listener?: (...args: unknown[]) => void): SocketV2;
    emit(event: string, ...args: unknown[]): SocketV2;
    open(): SocketV2;
    close(): SocketV2;
  }
  interface ConnectOptsV2 {
    path?: string;
    query?: Record<string, string>;
    transports?: string[];
    reconnection?: boolean;
    forceNew?: boolean;
    timeout?: number;
  }
  function io(uri: string, opts?: ConnectOptsV2): SocketV2;
  export default io;
}
