# Dice throws, one per element of a 2x3 board: integers in [1, 7).
torch::manual_seed 6
set board [torch::zeros {2 3}]
set dice [torch::randint_like $board 7 1]
puts "[torch::tensor_dtype $dice]: [torch::tensor_to_list $dice]"
