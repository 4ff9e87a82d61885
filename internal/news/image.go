package news

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"

	"danvan/internal/apperr"
)

// MaxImageWidth is the width pictures are reduced to: wide enough for a desktop column,
// small enough for a phone on mobile data (a 20 MB camera original becomes ~200 KB).
const MaxImageWidth = 1280

// maxPixels refuses images whose declared size would take gigabytes to decode (a small
// file can declare 60000×60000 pixels).
const maxPixels = 50_000_000

var _ = gif.Decode // GIF is registered for image.Decode through its import

// PrepareImage checks that data is a picture (by decoding it, not by its name), reduces it
// to MaxImageWidth and encodes it again. Re-encoding keeps only the pixels: EXIF, with
// the camera's location and serial number, and any other metadata are gone. Photos become
// JPEG; drawings with transparency (PNG, GIF) stay PNG. Errors: Invalid.
func PrepareImage(data []byte) (out []byte, ext string, err error) {
	const op = "news.PrepareImage"
	bad := func() error {
		return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: msgNotImage, Fields: map[string]string{"image": msgNotImage}}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", bad()
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		msg := "Ảnh quá lớn (quá 50 triệu điểm ảnh); hãy thu nhỏ ảnh trước khi tải lên."
		return nil, "", &apperr.Error{Kind: apperr.Invalid, Op: op, Message: msg, Fields: map[string]string{"image": msg}}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", bad()
	}
	if w := img.Bounds().Dx(); w > MaxImageWidth {
		img = shrink(img, MaxImageWidth, img.Bounds().Dy()*MaxImageWidth/w)
	}
	var buf bytes.Buffer
	if format == "png" || format == "gif" {
		err, ext = png.Encode(&buf, img), "png"
	} else {
		// JPEG has no alpha: draw on white so a transparent WebP-like source does not go black.
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Over)
		err, ext = jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 82}), "jpg"
	}
	if err != nil {
		return nil, "", apperr.Wrap(op, err)
	}
	return buf.Bytes(), ext, nil
}

const msgNotImage = "Tệp tải lên không phải là ảnh (JPEG, PNG hoặc GIF); nội dung tệp được kiểm tra, không dựa vào tên tệp."

// shrink reduces src to w×h by averaging the source pixels that fall into each target
// pixel (a box filter): for reductions it is as good as a bilinear one, and it needs only
// the standard library.
func shrink(src image.Image, w, h int) image.Image {
	if h < 1 {
		h = 1
	}
	// One conversion to RGBA (draw has fast paths for the decoders' types), then the
	// averaging reads the pixel bytes directly: At() through the interface would box
	// every pixel of a camera picture.
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	in := image.NewRGBA(image.Rect(0, 0, sw, sh))
	draw.Draw(in, in.Bounds(), src, b.Min, draw.Src)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		y0, y1 := y*sh/h, (y+1)*sh/h
		if y1 == y0 {
			y1 = y0 + 1
		}
		for x := 0; x < w; x++ {
			x0, x1 := x*sw/w, (x+1)*sw/w
			if x1 == x0 {
				x1 = x0 + 1
			}
			var sum [4]uint32
			var n uint32
			for yy := y0; yy < y1; yy++ {
				row := in.Pix[yy*in.Stride+x0*4 : yy*in.Stride+x1*4]
				for i := 0; i < len(row); i += 4 {
					sum[0] += uint32(row[i])
					sum[1] += uint32(row[i+1])
					sum[2] += uint32(row[i+2])
					sum[3] += uint32(row[i+3])
					n++
				}
			}
			o := dst.PixOffset(x, y)
			dst.Pix[o], dst.Pix[o+1], dst.Pix[o+2], dst.Pix[o+3] = uint8(sum[0]/n), uint8(sum[1]/n), uint8(sum[2]/n), uint8(sum[3]/n)
		}
	}
	return dst
}
