DROP TABLE zoom.chat_reads;
DROP TABLE zoom.chat_messages;
DROP TABLE zoom.chat_channels;
