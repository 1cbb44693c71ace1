package io.stemtrace.transport.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.ExceptionHandler;
import com.rabbitmq.client.TopologyRecoveryException;

/**
 * The factory's exception handler, also telling a subscription about failed connection recovery
 * attempts: the client reports why a reconnect failed only there, and the health endpoint shows it.
 */
final class RecordingExceptionHandler implements ExceptionHandler {

  private final ExceptionHandler delegate;
  private final java.util.function.Consumer<Throwable> onRecoveryFailure;

  RecordingExceptionHandler(
      ExceptionHandler delegate, java.util.function.Consumer<Throwable> onRecoveryFailure) {
    this.delegate = delegate;
    this.onRecoveryFailure = onRecoveryFailure;
  }

  @Override
  public void handleConnectionRecoveryException(Connection conn, Throwable exception) {
    onRecoveryFailure.accept(exception);
    delegate.handleConnectionRecoveryException(conn, exception);
  }

  @Override
  public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
    delegate.handleUnexpectedConnectionDriverException(conn, exception);
  }

  @Override
  public void handleReturnListenerException(Channel channel, Throwable exception) {
    delegate.handleReturnListenerException(channel, exception);
  }

  @Override
  public void handleConfirmListenerException(Channel channel, Throwable exception) {
    delegate.handleConfirmListenerException(channel, exception);
  }

  @Override
  public void handleBlockedListenerException(Connection connection, Throwable exception) {
    delegate.handleBlockedListenerException(connection, exception);
  }

  @Override
  public void handleConsumerException(
      Channel channel,
      Throwable exception,
      Consumer consumer,
      String consumerTag,
      String methodName) {
    delegate.handleConsumerException(channel, exception, consumer, consumerTag, methodName);
  }

  @Override
  public void handleChannelRecoveryException(Channel ch, Throwable exception) {
    delegate.handleChannelRecoveryException(ch, exception);
  }

  @Override
  public void handleTopologyRecoveryException(
      Connection conn, Channel ch, TopologyRecoveryException exception) {
    delegate.handleTopologyRecoveryException(conn, ch, exception);
  }
}
