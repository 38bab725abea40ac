/**
 * Input modes: a channel source yields the streams of one channel (files in File mode), independent of their content type.
 */
package io.github.xgbcontainer.channel;
