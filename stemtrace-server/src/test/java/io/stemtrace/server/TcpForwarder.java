package io.stemtrace.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback port forwarded to a real broker, which a test opens and closes: closed, the broker is
 * unreachable there (connections refused, open ones cut as by a crash) while the shared broker
 * itself keeps serving everyone else.
 */
final class TcpForwarder implements AutoCloseable {

  private final int port;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  private TcpForwarder(int port, int targetPort) {
    this.port = port;
    this.targetPort = targetPort;
  }

  /** A forwarder on a free port, not listening yet. */
  static TcpForwarder to(int targetPort) throws IOException {
    return new TcpForwarder(freePort(), targetPort);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  /** Starts accepting and forwarding. */
  synchronized void open() throws IOException {
    if (server != null) return;
    ServerSocket listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = listening;
    Thread acceptor = new Thread(() -> accept(listening), "test-forwarder-accept{" + port + "}");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket broker = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(broker);
        pump(client, broker);
        pump(broker, client);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 << 10];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException ignored) {
                // one side closed: close both below
              }
              closeQuietly(from);
              closeQuietly(to);
            },
            "test-forwarder-pump{" + port + "}");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops listening and cuts every forwarded connection. */
  synchronized void shut() {
    ServerSocket listening = server;
    server = null;
    if (listening != null) closeQuietly(listening);
    for (Socket socket : sockets) closeQuietly(socket);
    sockets.clear();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing is all that is wanted
    }
  }

  @Override
  public void close() {
    shut();
  }
}
