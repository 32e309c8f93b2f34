; examples/sum.asm - sums 1..100 in a loop, stores the sum in slot 0 and returns it.
; Run it: build/bin/trainchain exec --code examples/sum.asm
        PUSH1 0          ; sum
        PUSH1 100        ; i
loop:   JUMPDEST         ; stack: i sum
        DUP1             ; i i sum
        ISZERO
        PUSH @done
        JUMPI            ; i sum
        SWAP1            ; sum i
        DUP2             ; i sum i
        ADD              ; sum' i
        SWAP1            ; i sum'
        PUSH1 1
        SWAP1
        SUB              ; i-1 sum'
        PUSH @loop
        JUMP
done:   JUMPDEST         ; 0 sum
        POP
        DUP1
        PUSH1 0
        SSTORE           ; storage[0] = sum
        PUSH1 0
        MSTORE
        PUSH1 32
        PUSH1 0
        RETURN
