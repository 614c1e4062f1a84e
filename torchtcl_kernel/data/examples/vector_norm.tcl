# Norms of every element, then per column, keeping the reduced dimension.
set t [torch::tensor_create {{1.0 -2.0} {-2.0 4.0}}]
puts "L2 of all: [torch::tensor_item [torch::vector_norm $t]]"
puts "max |x|: [torch::tensor_item [torch::vector_norm $t inf]]"
set cols [torch::vector_norm -input $t -ord 1 -dim 0 -keepdim 1]
puts "column L1 norms: [torch::tensor_print $cols]"
