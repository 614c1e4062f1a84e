# The printed form is the result; puts shows it.
set t [torch::tensor_create {1 2 3 4} {2 2}]
set text [torch::tensor_print $t]
puts $text
puts "([string length $text] characters)"
