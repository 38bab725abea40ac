/**
 * Input modes: a channel source yields the streams of one channel (the files of a File or FastFile folder, FastFile FIFOs served on demand included, the FIFO of a Pipe-mode channel), independent of their content type; RecordIO framing is unwrapped here too.
 */
package io.github.xgbcontainer.channel;
