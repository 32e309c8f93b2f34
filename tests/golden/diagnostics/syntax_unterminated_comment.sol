// tests/golden/diagnostics/syntax_unterminated_comment.sol - a block comment that is never closed.
pragma solidity ^0.8.20;

contract C {
    uint x;
    /* the rest of the file is a comment
    uint y;
}
