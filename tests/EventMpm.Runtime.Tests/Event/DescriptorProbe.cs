using Tmds.Linux;

namespace EventMpm.Runtime.Tests.Event;

/// <summary>
/// Whether a descriptor is still the file it was. A number alone cannot say that a descriptor was
/// closed: the tests of this process run in parallel, and the kernel gives a closed number to the
/// next open, so the file is told by its device and inode.
/// </summary>
public static unsafe class DescriptorProbe
{
    public readonly record struct FileId(ulong Device, ulong Inode);

    /// <summary>The file the open descriptor refers to.</summary>
    public static FileId Identify(int fd)
    {
        stat st;
        Assert.Equal(0, LibC.fstat(fd, &st));
        return new FileId((ulong)st.st_dev, (ulong)st.st_ino);
    }

    /// <summary>True while <paramref name="fd"/> is open on the file <paramref name="file"/>.</summary>
    public static bool Holds(int fd, FileId file)
    {
        stat st;
        return LibC.fstat(fd, &st) == 0 && (ulong)st.st_dev == file.Device && (ulong)st.st_ino == file.Inode;
    }
}
