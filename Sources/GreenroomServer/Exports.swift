// The types of the server's public API, so that `import GreenroomServer` is all an embedding
// app needs: the trust layer's results, and NIO's HTTP and buffer types used by Request/Response.

@_exported public import GreenroomCore

@_exported public import struct NIOCore.ByteBuffer
@_exported public import struct NIOCore.ByteBufferAllocator
@_exported public import struct NIOHTTP1.HTTPHeaders
@_exported public import enum NIOHTTP1.HTTPMethod
@_exported public import struct NIOHTTP1.HTTPRequestHead
@_exported public import enum NIOHTTP1.HTTPResponseStatus
@_exported public import struct NIOHTTP1.HTTPVersion
