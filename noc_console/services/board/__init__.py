"""The board's rows without Qt: live rows, columns, filter, queues, feed, incident detail."""
