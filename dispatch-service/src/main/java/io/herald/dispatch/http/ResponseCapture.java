package io.herald.dispatch.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * The state of one exchange, used as the request's body codec so that {@link WebhookHttpClient}'s interceptor can find
 * it: the status line seen, the first {@code maxBytes} of the body, and the total-deadline timer.
 * <p>
 * The body is never read past the cap: the write that crosses it resets the request (closing an HTTP/1.1 connection)
 * and fails, which ends the Web Client's pipe; left to itself the Web Client would drain the rest of the body.
 */
final class ResponseCapture implements BodyCodec<Void> {

    /** The body went past the cap; the status and excerpt are still valid. */
    static final class BodyTooLargeException extends RuntimeException {

        BodyTooLargeException(int maxBytes) {
            super("Response body longer than " + maxBytes + " bytes", null, false, false);
        }
    }

    private final int maxBytes;
    private final Buffer excerpt = Buffer.buffer();
    private volatile Integer statusCode;
    private volatile String retryAfter;
    private volatile boolean truncated;
    private volatile boolean deadlineExceeded;
    private long deadlineTimer = -1;
    private long deadlineMs;
    private HttpClientRequest request;

    ResponseCapture(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    Integer statusCode() {
        return statusCode;
    }

    boolean truncated() {
        return truncated;
    }

    boolean deadlineExceeded() {
        return deadlineExceeded;
    }

    synchronized String excerpt() {
        return excerpt.length() == 0 ? null : excerpt.toString();
    }

    void statusCode(int code) {
        statusCode = code;
    }

    String retryAfter() {
        return retryAfter;
    }

    void retryAfter(String value) {
        retryAfter = value;
    }

    /** The total deadline that starts when the request goes out, in milliseconds. */
    ResponseCapture withDeadline(long deadlineMs) {
        this.deadlineMs = deadlineMs;
        return this;
    }

    /** The request went out: keeps it to reset, and starts the total deadline. */
    synchronized void sent(Vertx vertx, HttpClientRequest request) {
        this.request = request;
        deadlineTimer = vertx.setTimer(Math.max(1, deadlineMs), id -> {
            deadlineExceeded = true;
            request.reset(0);
        });
    }

    /** The exchange completed or failed: the deadline no longer applies. */
    synchronized void finished(Vertx vertx) {
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    @Override
    public void create(Handler<AsyncResult<BodyStream<Void>>> handler) {
        handler.handle(Future.succeededFuture(new Stream()));
    }

    private synchronized boolean append(Buffer data) {
        int room = maxBytes - excerpt.length();
        if (data.length() <= room) {
            excerpt.appendBuffer(data);
            return true;
        }
        excerpt.appendBuffer(data.getBuffer(0, room));
        truncated = true;
        if (request != null) {
            // The Web Client forgets the request once it is sent and would drain the rest of the body: reset it
            // (for HTTP/1.1 this closes the connection).
            request.reset(0);
        }
        return false;
    }

    private final class Stream implements BodyStream<Void> {

        private final Promise<Void> result = Promise.promise();

        @Override
        public Future<Void> result() {
            return result.future();
        }

        @Override
        public void handle(Throwable failure) {
            result.tryFail(failure);
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            return append(data) ? Future.succeededFuture() : Future.failedFuture(new BodyTooLargeException(maxBytes));
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            Future<Void> written = write(data);
            if (handler != null) {
                handler.handle(written);
            }
        }

        @Override
        public Future<Void> end() {
            result.tryComplete();
            return Future.succeededFuture();
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            Future<Void> ended = end();
            if (handler != null) {
                handler.handle(ended);
            }
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }
}
