/*
 * A plain echo server in C, the baseline for `echo-bench` (lesson 3).
 *
 * It does exactly what echo-server does, with nothing in between: accept a client, read up to
 * BUFFER_SIZE bytes, write them all back, repeat until the client closes, serve the next one.
 * No tracing, no timeouts, no logging per client. `echo-bench` compiles it with `cc -O2`.
 *
 * Usage: echo-server-c PORT BUFFER_SIZE   (PORT 0: any free port)
 * First line on stdout: listening on 127.0.0.1:<port>
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        data += written;
        length -= (size_t)written;
    }
    return 0;
}

static void echo(int client, char *buffer, size_t size) {
    for (;;) {
        ssize_t received = read(client, buffer, size);
        if (received < 0 && errno == EINTR) continue;
        if (received <= 0) return; /* 0: the client closed its side; < 0: an error */
        if (write_all(client, buffer, (size_t)received) < 0) return;
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT BUFFER_SIZE\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    long size = atol(argv[2]);
    if (port < 0 || port > 65535 || size < 1) {
        fprintf(stderr, "error: bad PORT or BUFFER_SIZE\n");
        return 2;
    }
    char *buffer = malloc((size_t)size);
    if (buffer == NULL) {
        perror("malloc");
        return 1;
    }
    /* A client that disappears makes write() fail with EPIPE instead of killing us. */
    signal(SIGPIPE, SIG_IGN);

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons((unsigned short)port);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) < 0 ||
        listen(listener, 1) < 0) {
        perror("error: could not listen");
        return 1;
    }
    socklen_t length = sizeof address;
    getsockname(listener, (struct sockaddr *)&address, &length);
    printf("listening on 127.0.0.1:%d\n", ntohs(address.sin_port));
    fflush(stdout);

    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) continue;
        echo(client, buffer, (size_t)size);
        close(client);
    }
}
