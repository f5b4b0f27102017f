/*
 * A plain event-loop server in C, the baseline of `concurrency-bench` (lessons 8 and 10).
 *
 * It speaks lesson 8's line protocol (UPPER, REVERSE, STATS, QUIT) to many clients at once on
 * ONE thread, the way poll-server does: non-blocking sockets, one epoll set, and per client a
 * buffer of bytes received and a buffer of replies not yet sent. Nothing else: no timeouts, no
 * cap, no logging, no checks of UTF-8 (UPPER changes ASCII letters only; REVERSE keeps UTF-8
 * characters whole). It is what the Rust servers are measured against, not a server to copy.
 * `concurrency-bench` compiles it with `cc -O2`.
 *
 * Usage: command-server-epoll PORT   (PORT 0: any free port)
 * First line on stdout: listening on 127.0.0.1:<port>
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINE 1024
#define READ_SIZE 4096
#define MAX_EVENTS 1024

struct client {
    char received[MAX_LINE + 2 + READ_SIZE];
    size_t received_length;
    char *replies;
    size_t replies_length, replies_capacity;
    int closing;      /* close once the replies are sent */
    unsigned events;  /* what epoll watches for it now */
};

static struct client **clients; /* by file descriptor */
static size_t clients_size;
static unsigned long count_clients, count_active, count_lines;
static int epoll_fd;

static void add_reply(struct client *client, const char *text, size_t length) {
    size_t needed = client->replies_length + length + 1;
    if (needed > client->replies_capacity) {
        size_t capacity = client->replies_capacity ? client->replies_capacity * 2 : 256;
        while (capacity < needed) capacity *= 2;
        client->replies = realloc(client->replies, capacity);
        if (client->replies == NULL) abort();
        client->replies_capacity = capacity;
    }
    memcpy(client->replies + client->replies_length, text, length);
    client->replies[client->replies_length + length] = '\n';
    client->replies_length = needed;
}

/* REVERSE: the characters of `text` in reverse order, each UTF-8 sequence kept whole. */
static void reverse_into(const char *text, size_t length, char *out) {
    size_t at = 0;
    while (at < length) {
        size_t size = 1;
        while (at + size < length && ((unsigned char)text[at + size] & 0xC0) == 0x80) size++;
        memcpy(out + length - at - size, text + at, size);
        at += size;
    }
}

static void answer(struct client *client, char *line, size_t length) {
    char reply[MAX_LINE + 64];
    count_lines++;
    if (length == 4 && memcmp(line, "QUIT", 4) == 0) {
        add_reply(client, "BYE", 3);
        client->closing = 1;
    } else if (length == 5 && memcmp(line, "STATS", 5) == 0) {
        int size = snprintf(reply, sizeof reply, "clients %lu active %lu lines %lu",
                            count_clients, count_active, count_lines);
        add_reply(client, reply, (size_t)size);
    } else if (length >= 5 && memcmp(line, "UPPER", 5) == 0 && (length == 5 || line[5] == ' ')) {
        size_t size = length > 6 ? length - 6 : 0;
        for (size_t i = 0; i < size; i++) {
            char c = line[6 + i];
            reply[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        }
        add_reply(client, reply, size);
    } else if (length >= 7 && memcmp(line, "REVERSE", 7) == 0 && (length == 7 || line[7] == ' ')) {
        size_t size = length > 8 ? length - 8 : 0;
        reverse_into(line + 8, size, reply);
        add_reply(client, reply, size);
    } else {
        add_reply(client, "ERR unknown command", 19);
    }
}

static void close_client(int fd) {
    struct client *client = clients[fd];
    free(client->replies);
    free(client);
    clients[fd] = NULL;
    count_active--;
    close(fd); /* also removes it from the epoll set */
}

/* Sends what the socket takes; returns -1 if the client is gone. */
static int send_replies(int fd, struct client *client) {
    size_t sent = 0;
    while (sent < client->replies_length) {
        ssize_t count = send(fd, client->replies + sent, client->replies_length - sent, MSG_NOSIGNAL);
        if (count < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            return -1;
        }
        sent += (size_t)count;
    }
    memmove(client->replies, client->replies + sent, client->replies_length - sent);
    client->replies_length -= sent;
    /* Readable while we still read; writable while replies wait. */
    unsigned events = (client->closing ? 0 : EPOLLIN) | (client->replies_length > 0 ? EPOLLOUT : 0);
    if (events != client->events) {
        struct epoll_event event = {.events = events, .data.fd = fd};
        epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &event);
        client->events = events;
    }
    return 0;
}

static void serve(int fd) {
    struct client *client = clients[fd];
    if (client == NULL) return;
    if (!client->closing) {
        ssize_t count;
        do {
            count = read(fd, client->received + client->received_length, READ_SIZE);
        } while (count < 0 && errno == EINTR);
        if (count == 0 || (count < 0 && errno != EAGAIN)) {
            close_client(fd);
            return;
        }
        if (count > 0) client->received_length += (size_t)count;
        /* Answer every whole line. */
        size_t used = 0;
        for (;;) {
            char *start = client->received + used;
            char *newline = memchr(start, '\n', client->received_length - used);
            if (newline == NULL) break;
            size_t length = (size_t)(newline - start);
            if (length > 0 && start[length - 1] == '\r') length--;
            used = (size_t)(newline - client->received) + 1;
            if (length > MAX_LINE) {
                add_reply(client, "ERR line too long", 17);
                client->closing = 1;
                break;
            }
            answer(client, start, length);
            if (client->closing) break;
        }
        memmove(client->received, client->received + used, client->received_length - used);
        client->received_length -= used;
        if (!client->closing && client->received_length > MAX_LINE + 1) {
            add_reply(client, "ERR line too long", 17);
            client->closing = 1;
        }
    }
    if (send_replies(fd, client) < 0 || (client->closing && client->replies_length == 0)) {
        close_client(fd);
    }
}

static void accept_all(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) return; /* EAGAIN: none left (or an error: try again at the next event) */
        if ((size_t)fd >= clients_size) {
            size_t size = clients_size;
            while ((size_t)fd >= size) size *= 2;
            clients = realloc(clients, size * sizeof *clients);
            if (clients == NULL) abort();
            memset(clients + clients_size, 0, (size - clients_size) * sizeof *clients);
            clients_size = size;
        }
        clients[fd] = calloc(1, sizeof(struct client));
        if (clients[fd] == NULL) abort();
        count_clients++;
        count_active++;
        clients[fd]->events = EPOLLIN;
        struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    if (port < 0 || port > 65535) {
        fprintf(stderr, "error: bad PORT\n");
        return 2;
    }
    /* Every connection is a file descriptor: allow as many as the system lets us. */
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    signal(SIGPIPE, SIG_IGN);
    clients_size = 1024;
    clients = calloc(clients_size, sizeof *clients);

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons((unsigned short)port);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) < 0 ||
        listen(listener, 1024) < 0) {
        perror("error: could not listen");
        return 1;
    }
    socklen_t length = sizeof address;
    getsockname(listener, (struct sockaddr *)&address, &length);
    printf("listening on 127.0.0.1:%d\n", ntohs(address.sin_port));
    fflush(stdout);

    epoll_fd = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &event);
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int ready = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                accept_all(listener);
            } else {
                serve(fd);
            }
        }
    }
}
