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

struct png_source {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char message[160];
};

static void png_read_memory(png_structp png, png_bytep out, png_size_t count) {
    struct png_source *source = (struct png_source *)png_get_io_ptr(png);
    if (count > source->size - source->offset) {
        png_error(png, "truncated");
    }
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

static void png_fail(png_structp png, png_const_charp message) {
    struct png_source *source = (struct png_source *)png_get_error_ptr(png);
    snprintf(source->message, sizeof source->message, "%s", message);
    png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/* Classic libpng API with explicit transforms: palettes and low-bit gray expanded, tRNS turned
 * into alpha and then dropped with the other alpha, 16-bit samples scaled to 8 with rounding
 * (png_set_scale_16: (v * 255 + 32895) >> 16), gray widened to RGB when asked. Stored values are
 * kept as they are (no gamma conversion), as ML image loaders do. */
static int decode_png(const unsigned char *data, size_t size, int channels, long long max_pixels,
                      lockstep_image *out, char *error, size_t error_size) {
    struct png_source source = {data, size, 0, {0}};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, png_fail, png_quiet);
    if (!png) {
        set_error(error, error_size, "out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        char message[200];
        snprintf(message, sizeof message, "not a valid PNG (%s)", source.message[0] ? source.message : "out of memory");
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        free(pixels);
        free(rows);
        set_error(error, error_size, message);
        return -1;
    }
    png_set_read_fn(png, &source, png_read_memory);
    png_set_user_limits(png, 1u << 24, 1u << 24);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if ((long long)width * (long long)height > max_pixels || width == 0 || height == 0) {
        char message[160];
        snprintf(message, sizeof message, "PNG of %u x %u pixels is over the limit of %lld pixels", width, height, max_pixels);
        png_destroy_read_struct(&png, &info, NULL);
        set_error(error, error_size, message);
        return -1;
    }
    int color = png_get_color_type(png, info);
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_strip_alpha(png);
    int source_gray = !(color & PNG_COLOR_MASK_COLOR) && color != PNG_COLOR_TYPE_PALETTE;
    if (channels == 3 && source_gray) {
        png_set_gray_to_rgb(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int decoded = png_get_channels(png, info);
    size_t row = png_get_rowbytes(png, info);
    if (png_get_bit_depth(png, info) != 8 || row != (size_t)width * (size_t)decoded || (decoded != 1 && decoded != 3)) {
        png_destroy_read_struct(&png, &info, NULL);
        set_error(error, error_size, "unsupported PNG layout after conversion");
        return -1;
    }
    pixels = malloc(row * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) {
        png_error(png, "out of memory");
    }
    for (png_uint_32 y = 0; y < height; y++) {
        rows[y] = pixels + row * y;
    }
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    if (channels == 1 && decoded == 3) {
        /* ITU-R BT.601 luma in fixed point, as Pillow's convert("L"). */
        unsigned char *rgb = pixels;
        for (size_t i = 0; i < (size_t)width * height; i++) {
            unsigned r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
            rgb[i] = (unsigned char)((r * 19595u + g * 38470u + b * 7471u + 0x8000u) >> 16);
        }
    }
    out->width = (int)width;
    out->height = (int)height;
    out->channels = channels;
    out->pixels = pixels;
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
