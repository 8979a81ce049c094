/* Lockstep: PNG and JPEG decoding for evaluation sets, through Debian's libpng (libpng-dev) and
 * libjpeg-turbo (libjpeg62-turbo-dev). Hostile files must not crash: libpng's simplified API and
 * a libjpeg error manager that longjmps back here turn every problem into an error message.
 * Pixels are always 8 bits per channel, row-major, interleaved (HWC). */
#ifndef LOCKSTEP_IMAGE_H
#define LOCKSTEP_IMAGE_H

#include <stddef.h>

typedef struct {
    int width;
    int height;
    /* 1 (gray) or 3 (RGB). */
    int channels;
    /* width * height * channels bytes, malloc'ed; free with lockstep_image_free. */
    unsigned char *pixels;
} lockstep_image;

/* Decodes `size` bytes of PNG or JPEG (chosen by signature) to gray (`channels` 1) or RGB (3).
 * Alpha is dropped, palettes expanded, 16-bit samples scaled to 8 with rounding, stored values
 * kept (no gamma conversion); color PNGs become gray by BT.601 luma (as Pillow's convert("L")),
 * color JPEGs by libjpeg's Y. Images with more than `max_pixels` pixels are refused before any
 * pixel memory is allocated. Returns 0, or -1 with a message in `error` (NUL-terminated). */
int lockstep_image_decode(const unsigned char *data, size_t size, int channels, long long max_pixels,
                          lockstep_image *out, char *error, size_t error_size);

void lockstep_image_free(lockstep_image *image);
#endif
