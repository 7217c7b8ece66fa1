/// The sample files of the tutorial collection's `/~/samples/` folder, made in code: a small
/// CSV table, a valid PNG image and a JSON document, for what a notebook opens over HTTPS.
enum SampleFiles {
    static let csv = Array(
        """
        sample,temperature_c,pressure_kpa,humidity_pct
        1,21.4,101.3,40
        2,21.9,101.2,42
        3,22.5,101.1,45
        4,23.0,100.9,47
        5,22.7,101.0,44

        """.utf8)

    static let json = Array(
        """
        {"experiment": "tutorial", "instrument": "Globus Simulator", "samples": 5, "units": {"temperature": "C", "pressure": "kPa"}}

        """.utf8)

    /// A 160×96 RGB gradient (large enough to be seen in a notebook; 46 KB, stored uncompressed).
    static let png = PNG.rgb(width: 160, height: 96) { x, y in (UInt8(x * 255 / 159), UInt8(y * 255 / 95), 128) }

    /// The folder's entries, with their bytes.
    static let folder: [SimFile] = [
        SimFile(name: "table.csv", type: "file", size: csv.count, content: .bytes(csv)),
        SimFile(name: "gradient.png", type: "file", size: png.count, content: .bytes(png)),
        SimFile(name: "metadata.json", type: "file", size: json.count, content: .bytes(json))
    ]
}

/// A minimal PNG encoder (8-bit RGB, no interlace) whose image data is zlib with stored
/// (uncompressed) deflate blocks: valid for every PNG reader, and small enough to need no
/// compressor. PNG: RFC 2083; zlib: RFC 1950; deflate stored blocks: RFC 1951 §3.2.4.
enum PNG {
    static func rgb(width: Int, height: Int, pixel: (Int, Int) -> (UInt8, UInt8, UInt8)) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)  // filter type: none
            for x in 0..<width {
                let (r, g, b) = pixel(x, y)
                raw += [r, g, b]
            }
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // depth 8, colour type RGB, deflate, adaptive filter, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", zlibStored(raw)) + chunk("IEND", [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let n = min(65_535, data.count - start)
            let last: UInt8 = start + n == data.count ? 1 : 0
            out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[start..<start + n]
            start += n
        } while start < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return out + bigEndian(b << 16 | a)
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
}
