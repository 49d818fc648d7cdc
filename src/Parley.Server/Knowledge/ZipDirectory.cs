using System.Buffers.Binary;

namespace Parley.Server.Knowledge;

/// <summary>
/// What a ZIP's end-of-central-directory record claims, read before <c>ZipArchive</c> loads every
/// entry of the directory into memory (a small upload can declare hundreds of thousands).
/// </summary>
public static class ZipDirectory
{
    private const int EndRecordLength = 22;

    /// <summary>The declared number of entries; <see cref="int.MaxValue"/> for ZIP64's "see elsewhere" marker; 0 when no record is found.</summary>
    public static int DeclaredEntryCount(ReadOnlySpan<byte> data)
    {
        // The record is the last thing in the file, followed only by a comment of up to 65,535 bytes.
        var last = data.Length - EndRecordLength;
        for (var i = last; i >= 0 && i >= last - ushort.MaxValue; i--)
        {
            if (data[i] == 0x50 && data[i + 1] == 0x4B && data[i + 2] == 0x05 && data[i + 3] == 0x06)
            {
                var entries = BinaryPrimitives.ReadUInt16LittleEndian(data[(i + 10)..]);
                return entries == ushort.MaxValue ? int.MaxValue : entries;
            }
        }

        return 0;
    }
}

/// <summary>A read-only stream that throws once more than a limit of bytes has come through it.</summary>
public sealed class CountingStream(Stream inner, long limit, Func<Exception> overLimit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw overLimit() : read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
