/*
 * The .nn language: models and layers as pure dataflow over typed tensors.
 * Statements need no separator (an optional ';' is allowed): keywords start statements and
 * a block's last expression is its result. Meaning (names, types, shapes) lives in frontend/.
 */
grammar NN;

file       : importDecl* decl* EOF ;

importDecl : IMPORT IDENT ('.' IDENT)* ('.' STAR)? ';'? ;

decl       : modelDecl | layerDecl ;

// model Name(inputs) -> outputs { body }
modelDecl  : MODEL IDENT '(' paramList? ')' ARROW outputs block ;

// layer name(config)(tensor inputs) [-> output] { body }; with one list it holds the inputs.
layerDecl  : LAYER IDENT '(' first=paramList? ')' ('(' second=paramList? ')')? (ARROW outputs)? block ;

paramList  : paramDecl (',' paramDecl)* ','? ;
paramDecl  : IDENT ':' typeExpr ('=' expr)? ;

outputs    : typeExpr
           | '(' namedType (',' namedType)* ','? ')'
           ;
namedType  : IDENT ':' typeExpr ;

// f32[B, 28, 28, 1] is a tensor type; int, float, bool, str are compile-time scalars; [int] a list.
typeExpr   : IDENT '[' dimList? ']'      # tensorType
           | IDENT                       # scalarType
           | '[' typeExpr ']'            # listType
           ;
dimList    : dim (',' dim)* ','? ;
dim        : ELLIPSIS                                 # ellipsisDim
           | dim op=(STAR | SLASH) dim                # mulDim
           | dim op=(PLUS | MINUS) dim                # addDim
           | INT                                      # intDim
           | IDENT                                    # nameDim
           | '(' dim ')'                              # parenDim
           ;

block      : '{' stmt* '}' ;
stmt       : LET IDENT '=' expr ';'?                              # letStmt
           | PARAM IDENT ':' typeExpr ('=' expr)? ';'?            # paramStmt
           | RETURN expr (',' expr)* ';'?                         # returnStmt
           | expr ';'?                                            # exprStmt
           ;

// Alternatives listed first bind tighter: postfix, unary minus and '!', * / @, + -, comparisons,
// &&, ||, then |>. Comparisons and logic work on compile-time values (see frontend's Elaborator).
expr       : postfix                                  # postfixExpr
           | MINUS expr                               # negExpr
           | NOT expr                                 # notExpr
           | expr op=(STAR | SLASH | AT) expr         # mulExpr
           | expr op=(PLUS | MINUS) expr              # addExpr
           | expr op=(EQ | NE | LT | LE | GT | GE) expr   # compareExpr
           | expr AND expr                            # andExpr
           | expr OR expr                             # orExpr
           | expr PIPE stage                          # pipeExpr
           ;

// A pipeline stage may be labeled to name the layer instance: x |> conv1: conv2d(32, 3)
stage      : (label ':')? postfix ;
label      : labelPart ('.' labelPart)* ;
// Keywords are allowed in labels: HuggingFace names parameters encoder.layer.0...
labelPart  : IDENT | INT | IMPORT | MODEL | LAYER | PARAM | LET | RETURN | TRUE | FALSE | IF | ELSE ;

// A call's '(' must be on the callee's line: statements have no separator, so a line that
// starts with '(' begins a new expression rather than calling the previous line's value.
postfix    : atom ({_input.LT(1).getLine() == _input.LT(-1).getLine()}? callSuffix)* ;
callSuffix : '(' argList? ')' ;
argList    : arg (',' arg)* ','? ;
arg        : (IDENT ':')? expr ;

atom       : INT                                      # intAtom
           | FLOAT                                    # floatAtom
           | STRING                                   # stringAtom
           | (TRUE | FALSE)                           # boolAtom
           | IDENT ('.' IDENT)*                       # nameAtom
           | '[' (expr (',' expr)* ','?)? ']'         # listAtom
           | '(' expr ')'                             # parenAtom
           | ifExpr                                   # ifAtom
           ;

// A compile-time choice: only the branch taken is elaborated. The else branch is required by
// the frontend (which reports its absence), not here, so the message can say why.
ifExpr     : IF expr block (ELSE (block | ifExpr))? ;

IMPORT   : 'import' ;
MODEL    : 'model' ;
LAYER    : 'layer' ;
PARAM    : 'param' ;
LET      : 'let' ;
RETURN   : 'return' ;
TRUE     : 'true' ;
FALSE    : 'false' ;
IF       : 'if' ;
ELSE     : 'else' ;

PIPE     : '|>' ;
ARROW    : '->' ;
ELLIPSIS : '...' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
SLASH    : '/' ;
AT       : '@' ;
EQ       : '==' ;
NE       : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
AND      : '&&' ;
OR       : '||' ;
NOT      : '!' ;

IDENT    : [a-zA-Z_] [a-zA-Z_0-9]* ;
FLOAT    : [0-9]+ '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT ;
INT      : [0-9]+ ;
STRING   : '"' (~["\\\r\n] | '\\' .)* '"' ;
// A string with no closing quote on its line, reported as such rather than as a stray quote.
OPEN_STRING : '"' (~["\\\r\n] | '\\' .)* ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n]+ -> skip ;

// Any other character becomes a token so the parser reports it with its position.
UNKNOWN  : . ;
