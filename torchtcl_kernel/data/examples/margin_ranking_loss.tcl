# Scores of two search results per query; the label says which one should rank higher
# (1: the first, -1: the second). Only the mis-ordered or too-close pairs cost anything.
set first [torch::tensor_create {0.9 0.4 0.7}]
set second [torch::tensor_create {0.2 0.5 0.65}]
set better [torch::tensor_create {1.0 1.0 -1.0}]
puts [torch::tensor_print [torch::margin_ranking_loss $first $second $better 0.1 none]]
puts "sum: [torch::tensor_item [torch::marginRankingLoss -input1 $first -input2 $second -target $better -margin 0.1 -reduction sum]]"
