#include "lockstep_image.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_error(char *error, size_t size, const char *message) {
    if (error && size > 0) {
        snprintf(error, size, "%s", message);
    }
}

static int decode_png(const unsigned char *data, size_t size, int channels, long long max_pixels,
                      lockstep_image *out, char *error, size_t error_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        char message[160];
        snprintf(message, sizeof message, "not a valid PNG (%s)", image.message);
        set_error(error, error_size, message);
        return -1;
    }
    if ((long long)image.width * (long long)image.height > max_pixels || image.width == 0 || image.height == 0) {
        char message[160];
        snprintf(message, sizeof message, "PNG of %u x %u pixels is over the limit of %lld pixels", image.width, image.height,
                 max_pixels);
        png_image_free(&image);
        set_error(error, error_size, message);
        return -1;
    }
    image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    size_t bytes = PNG_IMAGE_SIZE(image);
    unsigned char *pixels = malloc(bytes);
    if (!pixels) {
        png_image_free(&image);
        set_error(error, error_size, "out of memory");
        return -1;
    }
    /* background NULL: alpha is composited on black; row stride 0 = tightly packed. */
    if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
        char message[160];
        snprintf(message, sizeof message, "not a valid PNG (%s)", image.message);
        free(pixels);
        png_image_free(&image);
        set_error(error, error_size, message);
        return -1;
    }
    out->width = (int)image.width;
    out->height = (int)image.height;
    out->channels = channels;
    out->pixels = pixels;
    png_image_free(&image);
    return 0;
}

struct jpeg_failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void jpeg_fail(j_common_ptr info) {
    struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
    (*info->err->format_message)(info, failure->message);
    longjmp(failure->jump, 1);
}

static void jpeg_quiet(j_common_ptr info, int level) {
    (void)info;
    (void)level; /* warnings (e.g. corrupt data recovered) are not printed */
}

static int decode_jpeg(const unsigned char *data, size_t size, int channels, long long max_pixels,
                       lockstep_image *out, char *error, size_t error_size) {
    struct jpeg_decompress_struct info;
    struct jpeg_failure failure;
    unsigned char *volatile pixels = NULL;
    memset(&info, 0, sizeof info);
    info.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = jpeg_fail;
    failure.manager.emit_message = jpeg_quiet;
    failure.message[0] = 0;
    if (setjmp(failure.jump)) {
        char message[JMSG_LENGTH_MAX + 40];
        snprintf(message, sizeof message, "not a valid JPEG (%s)", failure.message);
        jpeg_destroy_decompress(&info);
        free(pixels);
        set_error(error, error_size, message);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if ((long long)info.image_width * (long long)info.image_height > max_pixels) {
        char message[160];
        snprintf(message, sizeof message, "JPEG of %u x %u pixels is over the limit of %lld pixels", info.image_width,
                 info.image_height, max_pixels);
        jpeg_destroy_decompress(&info);
        set_error(error, error_size, message);
        return -1;
    }
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        jpeg_destroy_decompress(&info);
        set_error(error, error_size, "CMYK JPEG is not supported (convert it to RGB)");
        return -1;
    }
    info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    if (info.output_components != channels) {
        jpeg_destroy_decompress(&info);
        set_error(error, error_size, "unexpected JPEG output components");
        return -1;
    }
    size_t row = (size_t)info.output_width * (size_t)channels;
    pixels = malloc(row * info.output_height);
    if (!pixels) {
        jpeg_destroy_decompress(&info);
        set_error(error, error_size, "out of memory");
        return -1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW line = pixels + row * info.output_scanline;
        jpeg_read_scanlines(&info, &line, 1);
    }
    jpeg_finish_decompress(&info);
    out->width = (int)info.output_width;
    out->height = (int)info.output_height;
    out->channels = channels;
    out->pixels = pixels;
    jpeg_destroy_decompress(&info);
    return 0;
}

int lockstep_image_decode(const unsigned char *data, size_t size, int channels, long long max_pixels,
                          lockstep_image *out, char *error, size_t error_size) {
    memset(out, 0, sizeof *out);
    if (channels != 1 && channels != 3) {
        set_error(error, error_size, "channels must be 1 or 3");
        return -1;
    }
    static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    if (size >= 8 && memcmp(data, png_signature, 8) == 0) {
        return decode_png(data, size, channels, max_pixels, out, error, error_size);
    }
    if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff) {
        return decode_jpeg(data, size, channels, max_pixels, out, error, error_size);
    }
    set_error(error, error_size, size == 0 ? "empty file" : "not a PNG or JPEG image (unknown signature)");
    return -1;
}

void lockstep_image_free(lockstep_image *image) {
    if (image) {
        free(image->pixels);
        image->pixels = NULL;
    }
}
